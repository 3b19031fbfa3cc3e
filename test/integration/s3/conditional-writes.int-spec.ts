import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3Fixture } from '../../support/s3-fixture';

const failed = { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } };
const read = async (s3: S3Client, Bucket: string, Key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

describe('conditional writes: If-Match / If-None-Match on PutObject, CompleteMultipartUpload and DeleteObject', () => {
  const f = s3Fixture('cond');

  it('PutObject with If-Match replaces only the version whose ETag matches', async () => {
    const { ETag } = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'p', Body: 'one' }));
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'p', Body: 'two', IfMatch: '"0123456789abcdef0123456789abcdef"' })),
    ).rejects.toMatchObject(failed);
    expect(await read(f.s3, f.bucket, 'p')).toBe('one');
    const second = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'p', Body: 'two', IfMatch: ETag }));
    expect(await read(f.s3, f.bucket, 'p')).toBe('two');
    // The old ETag no longer matches.
    await expect(f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'p', Body: 'three', IfMatch: ETag }))).rejects.toMatchObject(
      failed,
    );
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'p', Body: 'three', IfMatch: second.ETag }));
    expect(await read(f.s3, f.bucket, 'p')).toBe('three');
    // No object: NoSuchKey, as S3.
    await expect(f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'absent', Body: 'x', IfMatch: ETag }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('PutObject with If-None-Match: * creates only; an ETag value is not implemented, as in S3', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'n', Body: 'first', IfNoneMatch: '*' }));
    await expect(f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'n', Body: 'second', IfNoneMatch: '*' }))).rejects.toMatchObject(
      failed,
    );
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'n', Body: 'second', IfNoneMatch: '"abc"' })),
    ).rejects.toMatchObject({
      name: 'NotImplemented',
      $metadata: { httpStatusCode: 501 },
    });
    expect(await read(f.s3, f.bucket, 'n')).toBe('first');
  });

  it('CompleteMultipartUpload with If-Match / If-None-Match', async () => {
    const { ETag } = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'm', Body: 'single' }));
    const upload = async (body: string) => {
      const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket, Key: 'm' }));
      const part = await f.s3.send(new UploadPartCommand({ Bucket: f.bucket, Key: 'm', UploadId, PartNumber: 1, Body: body }));
      return { UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } };
    };
    const a = await upload('multi-a');
    await expect(
      f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key: 'm', ...a, IfMatch: '"ffffffffffffffffffffffffffffffff"' })),
    ).rejects.toMatchObject(failed);
    await expect(
      f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key: 'm', ...a, IfNoneMatch: '*' })),
    ).rejects.toMatchObject(failed);
    expect(await read(f.s3, f.bucket, 'm')).toBe('single');
    await f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key: 'm', ...a, IfMatch: ETag }));
    expect(await read(f.s3, f.bucket, 'm')).toBe('multi-a');
  });

  it('DeleteObject with If-Match deletes only a matching object', async () => {
    const { ETag } = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'd', Body: 'keep me' }));
    await expect(
      f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'd', IfMatch: '"0123456789abcdef0123456789abcdef"' })),
    ).rejects.toMatchObject(failed);
    expect(await read(f.s3, f.bucket, 'd')).toBe('keep me');
    await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'd', IfMatch: ETag }));
    await expect(f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: 'd' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    // Nothing left to match: NoSuchKey; without the condition, deleting a missing key is still a 204.
    await expect(f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'd', IfMatch: '*' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    expect((await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'd' }))).$metadata.httpStatusCode).toBe(204);
  });

  it('DeleteObject with If-Match in a versioned bucket: the current version, or the version named', async () => {
    await f.s3.send(new PutBucketVersioningCommand({ Bucket: f.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'vd', Body: 'v1' }));
    const v2 = await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'vd', Body: 'v2' }));
    await expect(f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'vd', IfMatch: v1.ETag }))).rejects.toMatchObject(failed);
    await expect(
      f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'vd', VersionId: v1.VersionId, IfMatch: v2.ETag })),
    ).rejects.toMatchObject(failed);
    const gone = await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'vd', VersionId: v1.VersionId, IfMatch: v1.ETag }));
    expect(gone.VersionId).toBe(v1.VersionId);
    const marker = await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'vd', IfMatch: v2.ETag }));
    expect(marker.DeleteMarker).toBe(true);
    // The latest is a delete marker now: nothing to match.
    await expect(f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: 'vd', IfMatch: '*' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});
