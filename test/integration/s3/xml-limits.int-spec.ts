import { request } from 'node:http';
import { CreateMultipartUploadCommand, GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { formatAmzDate } from '../../../src/s3/auth/sigv4/amz-date';
import { signV4Header } from '../../../src/s3/auth/sigv4/sign';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

/**
 * Sends only `first` of a body announced as `total` bytes and resolves with the answer: the
 * server must judge (and refuse) the document from its start, never waiting for the rest.
 */
function sendPrefix(
  endpoint: string,
  path: string,
  query: string,
  first: Buffer,
  total: number,
): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  const amzDate = formatAmzDate(Date.now());
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  headers.authorization = signV4Header({
    method: 'POST',
    rawPath: path,
    query: query
      .split('&')
      .map((p) => [decodeURIComponent(p.split('=')[0]), decodeURIComponent(p.split('=')[1] ?? '')] as [string, string]),
    headers,
    accessKeyId: 'TESTROOTACCESSKEY001',
    secretKey: 'testRootSecretKey/0123456789abcdefghijklm',
    region: 'us-east-1',
    amzDate,
    payloadHash: 'UNSIGNED-PAYLOAD',
  }).authorization;
  headers['content-length'] = String(total);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: `${path}?${query}`, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.write(first);
  });
}

describe('hostile XML request bodies', () => {
  const f = s3Fixture('xml');
  let uploadId: string;
  beforeAll(async () => {
    uploadId = (await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket, Key: 'mp' }))).UploadId ?? '';
  });

  it('refuses 450k nested elements (3 MiB) from the first chunk, without reading the rest', async () => {
    const depth = 450_000;
    const doc = Buffer.from(`<CompleteMultipartUpload>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</CompleteMultipartUpload>`);
    expect(doc.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await sendPrefix(
      f.server.endpoint,
      `/${f.bucket}/mp`,
      `uploadId=${encodeURIComponent(uploadId)}`,
      doc.subarray(0, 64 * 1024),
      doc.length,
    );
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MalformedXML');
    // The server is still fine.
    await expect(f.s3.send(new GetBucketTaggingCommand({ Bucket: f.bucket }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
  });

  it('refuses a flat document with more elements than the node limit', async () => {
    const body = `<CompleteMultipartUpload>${'<Part><PartNumber>1</PartNumber></Part>'.repeat(60_000)}</CompleteMultipartUpload>`;
    const res = await rawRequest(f.server, { method: 'POST', path: `/${f.bucket}/mp`, query: [['uploadId', uploadId]], body });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MalformedXML');
    expect(xmlField(res.body, 'Message')).toMatch(/more than 100000 elements/);
  });

  it('caps small documents (versioning) far below the general XML cap', async () => {
    const body = `<VersioningConfiguration>${'<!-- padding -->'.repeat(5000)}<Status>Enabled</Status></VersioningConfiguration>`;
    const res = await rawRequest(f.server, { method: 'PUT', path: `/${f.bucket}`, query: [['versioning', '']], body });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MaxMessageLengthExceeded');
  });
});
