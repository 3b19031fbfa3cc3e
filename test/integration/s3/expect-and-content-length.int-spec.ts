import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

describe('Expect and Content-Length on uploads', () => {
  const f = s3Fixture('expect');
  const text = async (key: string) => (await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: key }))).Body?.transformToString();

  it('sends 100 Continue to an authorized upload, then stores the body', async () => {
    const res = await rawRequest(f.server, { method: 'PUT', path: `/${f.bucket}/continued`, body: 'after continue', expectContinue: true });
    expect(res.informational).toEqual([100]);
    expect(res.status).toBe(200);
    expect(await text('continued')).toBe('after continue');
  });

  it('answers a refused upload without 100 Continue (the body is never asked for)', async () => {
    const anonymous = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${f.bucket}/refused`,
      body: 'never sent',
      expectContinue: true,
      unsigned: true,
    });
    expect(anonymous.status).toBe(403);
    expect(xmlField(anonymous.body, 'Code')).toBe('AccessDenied');
    expect(anonymous.informational).toEqual([]);
    const forged = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${f.bucket}/refused`,
      body: 'never sent',
      expectContinue: true,
      headers: { 'x-amz-meta-signed': 'no' },
      payloadHash: 'UNSIGNED-PAYLOAD',
      date: new Date(Date.now() - 3600_000),
    });
    expect(forged.status).toBe(403);
    expect(xmlField(forged.body, 'Code')).toBe('RequestTimeTooSkewed');
    expect(forged.informational).toEqual([]);
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'refused' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('serves a request with an Expect other than 100-continue as S3 does (no 417)', async () => {
    const res = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${f.bucket}/odd-expect`,
      body: 'odd',
      headers: { expect: 'x-unknown' },
    });
    expect(res.status).toBe(200);
    expect(await text('odd-expect')).toBe('odd');
    const anonymous = await rawRequest(f.server, {
      method: 'GET',
      path: `/${f.bucket}/odd-expect`,
      headers: { expect: 'x-unknown' },
      unsigned: true,
    });
    expect(anonymous.status).toBe(403);
    expect(xmlField(anonymous.body, 'Code')).toBe('AccessDenied');
  });

  it('answers 411 MissingContentLength to a PutObject with neither Content-Length nor aws-chunked', async () => {
    const res = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${f.bucket}/no-length`,
      body: ['http-chunked ', 'body'],
      payloadHash: 'UNSIGNED-PAYLOAD',
      noContentLength: true,
    });
    expect(res.status).toBe(411);
    expect(xmlField(res.body, 'Code')).toBe('MissingContentLength');
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'no-length' }))).rejects.toMatchObject({ name: 'NotFound' });
  });
});
