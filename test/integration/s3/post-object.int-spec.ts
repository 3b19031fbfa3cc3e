import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  CreateBucketCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { filesContaining } from '../../support/blob-files';
import { s3Fixture } from '../../support/s3-fixture';
import { uniqueBucket } from '../../support/start-server';

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** Posts a form as a browser does: the fields in order, the file last. */
async function postForm(url: string, fields: Record<string, string>, file: Buffer, filename = 'photo.txt'): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file]), filename);
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}

async function bodyOf(res: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

describe('PostObject (browser form upload)', () => {
  const f = s3Fixture('post');
  const bucket = f.bucket;

  it('stores a file posted with a SigV4 policy from @aws-sdk/s3-presigned-post: ${filename}, metadata, 201 PostResponse', async () => {
    const { url, fields } = await createPresignedPost(f.s3, {
      Bucket: bucket,
      Key: 'uploads/${filename}',
      Conditions: [
        ['content-length-range', 1, 1_000_000],
        ['starts-with', '$Content-Type', 'text/'],
      ],
      Fields: { 'Content-Type': 'text/plain', success_action_status: '201', 'x-amz-meta-color': 'blue' },
      Expires: 600,
    });
    const file = Buffer.from(`hello from a form ${randomBytes(4).toString('hex')}`);
    const res = await postForm(url, fields, file, 'note.txt');
    expect(res.status).toBe(201);
    const xml = await res.text();
    expect(xml).toContain('<PostResponse');
    expect(xml).toContain(`<Bucket>${bucket}</Bucket>`);
    expect(xml).toContain('<Key>uploads/note.txt</Key>');
    expect(xml).toContain(`<ETag>"${md5(file)}"</ETag>`);
    expect(res.headers.get('etag')).toBe(`"${md5(file)}"`);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'uploads/note.txt' }));
    expect((await bodyOf(got)).equals(file)).toBe(true);
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ color: 'blue' });
  });

  it('answers 204 by default and 303 to success_action_redirect with bucket, key and etag', async () => {
    const plain = await createPresignedPost(f.s3, { Bucket: bucket, Key: 'plain.bin' });
    const res = await postForm(plain.url, plain.fields, Buffer.from('x'));
    expect(res.status).toBe(204);

    const redirect = 'https://app.example.com/done';
    const r = await createPresignedPost(f.s3, { Bucket: bucket, Key: 'redirected.bin', Fields: { success_action_redirect: redirect } });
    const res2 = await postForm(r.url, r.fields, Buffer.from('yz'));
    expect(res2.status).toBe(303);
    const location = new URL(res2.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('bucket')).toBe(bucket);
    expect(location.searchParams.get('key')).toBe('redirected.bin');
    expect(location.searchParams.get('etag')).toBe(`"${md5('yz')}"`);
  });

  it('enforces the policy: conditions, content-length-range, expiration, extra fields and the signature', async () => {
    const p = await createPresignedPost(f.s3, {
      Bucket: bucket,
      Key: 'limited.bin',
      Conditions: [['content-length-range', 5, 10]],
      Fields: { 'Content-Type': 'image/png' },
    });
    const tooBig = await postForm(p.url, p.fields, Buffer.alloc(11));
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain('<Code>EntityTooLarge</Code>');
    const tooSmall = await postForm(p.url, p.fields, Buffer.alloc(4));
    expect(tooSmall.status).toBe(400);
    expect(await tooSmall.text()).toContain('<Code>EntityTooSmall</Code>');
    const wrongType = await postForm(p.url, { ...p.fields, 'Content-Type': 'text/html' }, Buffer.alloc(6));
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('Policy Condition failed');
    const wrongKey = await postForm(p.url, { ...p.fields, key: 'elsewhere.bin' }, Buffer.alloc(6));
    expect(wrongKey.status).toBe(403);
    const extra = await postForm(p.url, { ...p.fields, 'x-amz-meta-sneaky': '1' }, Buffer.alloc(6));
    expect(extra.status).toBe(403);
    expect(await extra.text()).toContain('Extra input fields');
    const badSig = await postForm(p.url, { ...p.fields, 'X-Amz-Signature': '0'.repeat(64) }, Buffer.alloc(6));
    expect(badSig.status).toBe(403);
    expect(await badSig.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const expired = await createPresignedPost(f.s3, { Bucket: bucket, Key: 'late.bin', Expires: -10 });
    const late = await postForm(expired.url, expired.fields, Buffer.alloc(6));
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Policy expired');
    const ok = await postForm(p.url, p.fields, Buffer.alloc(6));
    expect(ok.status).toBe(204);
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'elsewhere.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('takes tagging, a checksum and SSE-S3 from the form; the blob on disk holds no plaintext', async () => {
    const file = Buffer.from(`FORM-SECRET-${randomBytes(8).toString('hex')}`.repeat(100));
    const sha256 = createHash('sha256').update(file).digest('base64');
    const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>';
    const p = await createPresignedPost(f.s3, {
      Bucket: bucket,
      Key: 'enc.bin',
      Fields: { tagging, 'x-amz-server-side-encryption': 'AES256', 'x-amz-checksum-sha256': sha256 },
    });
    const res = await postForm(p.url, p.fields, file);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    expect(filesContaining(f.server.dataDir, file.subarray(0, 28))).toEqual([]);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'enc.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ChecksumSHA256).toBe(sha256);
    const tags = await f.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'enc.bin' }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'web' }]);

    const wrongSum = await createPresignedPost(f.s3, {
      Bucket: bucket,
      Key: 'badsum.bin',
      Fields: { 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') },
    });
    const bad = await postForm(wrongSum.url, wrongSum.fields, file);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code>');
  });

  it('verifies Signature V2 policies', async () => {
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(Date.now() + 600_000).toISOString(),
        conditions: [{ bucket }, ['starts-with', '$key', 'v2/']],
      }),
    ).toString('base64');
    const signature = createHmac('sha1', f.server.secretKey).update(policy).digest('base64');
    const fields = { key: 'v2/${filename}', AWSAccessKeyId: f.server.accessKey, policy, signature };
    const res = await postForm(`${f.server.endpoint}/${bucket}`, fields, Buffer.from('v2 body'), 'a.txt');
    expect(res.status).toBe(204);
    expect((await bodyOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'v2/a.txt' })))).toString()).toBe('v2 body');
    const forged = await postForm(
      `${f.server.endpoint}/${bucket}`,
      { ...fields, signature: 'AAAA' + signature.slice(4) },
      Buffer.from('x'),
    );
    expect(forged.status).toBe(403);
  });

  it('refuses an anonymous form unless a bucket policy allows anonymous uploads, and a body that is not a form', async () => {
    const anon = await postForm(`${f.server.endpoint}/${bucket}`, { key: 'anon.txt' }, Buffer.from('a'));
    expect(anon.status).toBe(403);
    const open = uniqueBucket('post-open');
    await f.s3.send(new CreateBucketCommand({ Bucket: open }));
    await f.s3.send(
      new PutBucketPolicyCommand({
        Bucket: open,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${open}/drop/*` }],
        }),
      }),
    );
    const allowed = await postForm(`${f.server.endpoint}/${open}`, { key: 'drop/anon.txt' }, Buffer.from('a'));
    expect(allowed.status).toBe(204);
    const notForm = await fetch(`${f.server.endpoint}/${bucket}`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(notForm.status).toBe(412);
    const noFile = new FormData();
    noFile.append('key', 'k');
    const missing = await fetch(`${f.server.endpoint}/${bucket}`, { method: 'POST', body: noFile });
    expect(missing.status).toBe(400);
  });

  it('accepts a form built by boto3 generate_presigned_post', async () => {
    // python3-boto3 is installed by .ci/run.
    const out = execFileSync(
      'python3',
      [
        '-c',
        [
          'import boto3, json, os',
          "c = boto3.client('s3', endpoint_url=os.environ['EP'], region_name=os.environ['RG'], aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'], config=boto3.session.Config(s3={'addressing_style': 'path'}))",
          "print(json.dumps(c.generate_presigned_post(os.environ['BK'], 'boto/${filename}', Fields={'Content-Type': 'text/plain'}, Conditions=[{'Content-Type': 'text/plain'}, ['content-length-range', 1, 100]], ExpiresIn=600)))",
        ].join('\n'),
      ],
      {
        env: { ...process.env, EP: f.server.endpoint, RG: f.server.region, AK: f.server.accessKey, SK: f.server.secretKey, BK: bucket },
        encoding: 'utf8',
      },
    );
    const { url, fields } = JSON.parse(out) as { url: string; fields: Record<string, string> };
    const res = await postForm(url, fields, Buffer.from('from boto3'), 'b.txt');
    expect(res.status).toBe(204);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'boto/b.txt' }));
    expect((await bodyOf(got)).toString()).toBe('from boto3');
  });
});
