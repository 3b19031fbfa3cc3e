import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const APP = 'https://app.example.com';

describe('bucket CORS: Get/Put/DeleteBucketCors, preflight, CORS headers', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    bucket = uniqueBucket('cors');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'site/index.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              ID: 'app',
              AllowedOrigins: [APP],
              AllowedMethods: ['GET', 'PUT', 'HEAD'],
              AllowedHeaders: ['content-type', 'x-amz-*'],
              ExposeHeaders: ['ETag', 'x-amz-request-id'],
              MaxAgeSeconds: 3000,
            },
            { AllowedOrigins: ['http://*.example.org'], AllowedMethods: ['GET'] },
            { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
          ],
        },
      }),
    );
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  /** A browser-shaped preflight: unsigned OPTIONS with Origin and the Access-Control-Request-* headers. */
  const preflight = (path: string, headers: Record<string, string>) => fetch(`${server.endpoint}${path}`, { method: 'OPTIONS', headers });

  it('gives the configuration back as stored', async () => {
    const got = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(got.CORSRules).toEqual([
      {
        ID: 'app',
        AllowedOrigins: [APP],
        AllowedMethods: ['GET', 'PUT', 'HEAD'],
        AllowedHeaders: ['content-type', 'x-amz-*'],
        ExposeHeaders: ['ETag', 'x-amz-request-id'],
        MaxAgeSeconds: 3000,
      },
      { AllowedOrigins: ['http://*.example.org'], AllowedMethods: ['GET'] },
      { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
    ]);
  });

  it('answers a matching preflight without credentials: 200 with the CORS headers', async () => {
    const res = await preflight('/' + bucket + '/site/index.html', {
      Origin: APP,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'Content-Type,X-Amz-Date,x-amz-content-sha256',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, PUT, HEAD');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-date, x-amz-content-sha256');
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-request-id');
    expect(res.headers.get('access-control-max-age')).toBe('3000');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
    expect(await res.text()).toBe('');
  });

  it('matches wildcard origins, and answers * for a rule allowing any origin', async () => {
    const sub = await preflight('/' + bucket, { Origin: 'http://shop.example.org', 'Access-Control-Request-Method': 'GET' });
    expect(sub.status).toBe(200);
    expect(sub.headers.get('access-control-allow-origin')).toBe('http://shop.example.org');
    const any = await preflight('/' + bucket + '/k', { Origin: 'https://anywhere.test', 'Access-Control-Request-Method': 'HEAD' });
    expect(any.status).toBe(200);
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
    expect(any.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each([
    ['an origin no rule allows', { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'PUT' }, 'PUT'],
    ['a method the rule does not allow', { Origin: APP, 'Access-Control-Request-Method': 'DELETE' }, 'DELETE'],
    [
      'a header the rule does not allow',
      { Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization' },
      'PUT',
    ],
    ['a scheme that differs', { Origin: 'http://app.example.com', 'Access-Control-Request-Method': 'GET' }, 'GET'],
    ['no Access-Control-Request-Method', { Origin: APP }, 'OPTIONS'],
  ])('refuses a preflight with %s: 403 AccessForbidden, no CORS headers', async (_name, headers, method) => {
    const res = await preflight('/' + bucket + '/site/index.html', headers);
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(xmlField(body, 'Code')).toBe('AccessForbidden');
    expect(xmlField(body, 'Message')).toMatch(/^CORSResponse: This CORS request is not allowed/);
    expect(xmlField(body, 'Method')).toBe(method);
    expect(xmlField(body, 'ResourceType')).toBe('OBJECT');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a preflight without Origin (400), on a bucket without CORS, or on no bucket (403)', async () => {
    const noOrigin = await preflight('/' + bucket, { 'Access-Control-Request-Method': 'GET' });
    expect(noOrigin.status).toBe(400);
    expect(xmlField(await noOrigin.text(), 'Code')).toBe('BadRequest');

    const plain = uniqueBucket('nocors');
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    const off = await preflight('/' + plain + '/k', { Origin: APP, 'Access-Control-Request-Method': 'GET' });
    expect(off.status).toBe(403);
    const offBody = await off.text();
    expect(xmlField(offBody, 'Code')).toBe('AccessForbidden');
    expect(xmlField(offBody, 'Message')).toBe('CORSResponse: CORS is not enabled for this bucket.');

    const none = await preflight('/' + uniqueBucket('missing'), { Origin: APP, 'Access-Control-Request-Method': 'GET' });
    expect(none.status).toBe(403);
    expect(xmlField(await none.text(), 'Message')).toBe('CORSResponse: Bucket not found');
  });

  it('adds CORS headers to an actual request from an allowed origin, success or error', async () => {
    const get = await rawRequest(server, { method: 'GET', path: `/${bucket}/site/index.html`, headers: { origin: APP } });
    expect(get.status).toBe(200);
    expect(get.body).toBe('<h1>hi</h1>');
    expect(get.headers['access-control-allow-origin']).toBe(APP);
    expect(get.headers['access-control-expose-headers']).toBe('ETag, x-amz-request-id');
    expect(get.headers.vary).toBe('Origin, Access-Control-Request-Headers, Access-Control-Request-Method');

    const missing = await rawRequest(server, { method: 'GET', path: `/${bucket}/nope`, headers: { origin: APP } });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe(APP);

    // Refused before any handler runs: the browser still gets to read why.
    const anonymous = await rawRequest(server, {
      method: 'GET',
      path: `/${bucket}/site/index.html`,
      headers: { origin: APP },
      unsigned: true,
    });
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers['access-control-allow-origin']).toBe(APP);
  });

  it('adds none without an Origin, for an origin or method no rule allows, or on a bucket without CORS', async () => {
    const plainGet = await rawRequest(server, { method: 'GET', path: `/${bucket}/site/index.html` });
    expect(plainGet.headers['access-control-allow-origin']).toBeUndefined();
    expect(plainGet.headers.vary).toBeUndefined();
    const evil = await rawRequest(server, { method: 'GET', path: `/${bucket}/site/index.html`, headers: { origin: 'https://evil.test' } });
    expect(evil.status).toBe(200);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const del = await rawRequest(server, { method: 'DELETE', path: `/${bucket}/other`, headers: { origin: 'http://a.example.org' } });
    expect(del.status).toBe(204);
    expect(del.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    [
      'an unsupported method',
      'InvalidRequest',
      '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>',
    ],
    [
      'two wildcards in an origin',
      'InvalidRequest',
      '<CORSRule><AllowedOrigin>*.a.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>',
    ],
    [
      'a wildcard ExposeHeader',
      'InvalidRequest',
      '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>*</ExposeHeader></CORSRule>',
    ],
    ['a rule without origin', 'MalformedXML', '<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>'],
    ['no rule', 'MalformedXML', ''],
    ['101 rules', 'MalformedXML', '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101)],
  ])('refuses %s with %s', async (_name, code, rules) => {
    const body = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;
    const md5 = createHash('md5').update(body).digest('base64');
    const res = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}`,
      query: [['cors', '']],
      body,
      headers: { 'content-md5': md5 },
    });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe(code);
  });

  it('wants the body integrity-protected, as S3 does', async () => {
    const body =
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
    const res = await rawRequest(server, { method: 'PUT', path: `/${bucket}`, query: [['cors', '']], body });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Message')).toBe('Missing required header for this request: Content-MD5');
  });

  it('deletes the configuration: NoSuchCORSConfiguration, preflights refused, DELETE again is 204', async () => {
    const other = uniqueBucket('cors-del');
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: other }))).rejects.toMatchObject({
      name: 'NoSuchCORSConfiguration',
      $metadata: { httpStatusCode: 404 },
    });
    await s3.send(
      new PutBucketCorsCommand({ Bucket: other, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] } }),
    );
    expect((await preflight('/' + other, { Origin: APP, 'Access-Control-Request-Method': 'GET' })).status).toBe(200);
    const del = await s3.send(new DeleteBucketCorsCommand({ Bucket: other }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    // The cache of this node is dropped at once.
    expect((await preflight('/' + other, { Origin: APP, 'Access-Control-Request-Method': 'GET' })).status).toBe(403);
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: other }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
    expect((await s3.send(new DeleteBucketCorsCommand({ Bucket: other }))).$metadata.httpStatusCode).toBe(204);
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: uniqueBucket('nobucket') }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('takes a configuration from the AWS CLI (put-bucket-cors)', async () => {
    const cliBucket = uniqueBucket('cors-cli');
    await s3.send(new CreateBucketCommand({ Bucket: cliBucket }));
    const config = {
      CORSRules: [{ AllowedOrigins: ['https://cli.example'], AllowedMethods: ['GET', 'POST'], AllowedHeaders: ['*'], MaxAgeSeconds: 60 }],
    };
    const put = await awsCli(server, ['s3api', 'put-bucket-cors', '--bucket', cliBucket, '--cors-configuration', JSON.stringify(config)]);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-bucket-cors', '--bucket', cliBucket]);
    expect(got.json).toEqual(config);
    const res = await preflight(`/${cliBucket}/x`, {
      Origin: 'https://cli.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-custom',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-headers')).toBe('x-custom');
    expect(res.headers.get('access-control-max-age')).toBe('60');
  });
});
