import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors/s3-error';
import type { AccessKeySecret, AuthRequest, AuthResult, SecretLookup } from './auth.types';
import { authenticate, type AuthenticateOptions } from './authenticate';
import { presignV4, signV4Header } from './sigv4/sign';
import { deriveSigningKey, SigningKeyCache } from './sigv4/signing-key';
import { sha256Hex } from './sigv4/string-to-sign';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20130524T000000Z';
const DOC_TIME = new Date('2013-05-24T00:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST = 'examplebucket.s3.amazonaws.com';

const KEYS: Record<string, AccessKeySecret> = {
  [AKID]: { accessKeyId: AKID, secretKey: SECRET, principalId: 'user-1' },
};
const lookup: SecretLookup = async (id) => KEYS[id] ?? null;
const opts = (over: Partial<AuthenticateOptions> = {}): AuthenticateOptions => ({
  region: 'us-east-1',
  now: DOC_TIME,
  signingKeyCache: new SigningKeyCache(),
  ...over,
});

function request(over: Partial<AuthRequest> = {}): AuthRequest {
  return { method: 'GET', rawPath: '/', query: [], headers: { host: HOST }, ...over };
}

function authorizationV4(scope: string, signedHeaders: string, signature: string, akid = AKID): string {
  return `AWS4-HMAC-SHA256 Credential=${akid}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

async function expectS3Error(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<S3Error> {
  const err = await promise.then(
    () => {
      throw new Error(`expected S3Error ${code}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(S3Error);
  const s3 = err as S3Error;
  expect(s3.code).toBe(code);
  if (message !== undefined) expect(s3.message).toMatch(message);
  return s3;
}

/** The S3 documentation's GET Object example, with its published signature. */
function docGetObject(headers: IncomingHttpHeaders = {}): AuthRequest {
  return request({
    rawPath: '/test.txt',
    headers: {
      host: HOST,
      range: 'bytes=0-9',
      'x-amz-content-sha256': EMPTY,
      'x-amz-date': AMZ_DATE,
      authorization: authorizationV4(
        '20130524/us-east-1/s3/aws4_request',
        'host;range;x-amz-content-sha256;x-amz-date',
        'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      ),
      ...headers,
    },
  });
}

/** Signs a request the way an SDK would, for cases with no published vector. */
function signed(req: AuthRequest, payloadHash = EMPTY, amzDate = AMZ_DATE, region = 'us-east-1'): AuthRequest {
  const headers: IncomingHttpHeaders = { ...req.headers, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  const { authorization } = signV4Header({
    ...req,
    headers,
    accessKeyId: AKID,
    secretKey: SECRET,
    region,
    amzDate,
    payloadHash,
  });
  return { ...req, headers: { ...headers, authorization } };
}

describe('authenticate: SigV4 header (S3 documentation examples)', () => {
  it('accepts GET Object with Range', async () => {
    const result = await authenticate(docGetObject(), lookup, opts());
    expect(result).toEqual<AuthResult>({
      principalId: 'user-1',
      accessKeyId: AKID,
      method: 'v4-header',
      payload: { kind: 'sha256', sha256: EMPTY },
    });
  });

  it('accepts PUT Object test$file.text and asks for the body hash', async () => {
    const payloadHash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
    const result = await authenticate(
      request({
        method: 'PUT',
        rawPath: '/test%24file.text',
        headers: {
          host: HOST,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-date': AMZ_DATE,
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': payloadHash,
          authorization: authorizationV4(
            '20130524/us-east-1/s3/aws4_request',
            'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
            '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
          ),
        },
      }),
      lookup,
      opts(),
    );
    expect(result.payload).toEqual({ kind: 'sha256', sha256: payloadHash });
  });

  it('accepts GET Bucket lifecycle and list objects', async () => {
    const headers = { host: HOST, 'x-amz-content-sha256': EMPTY, 'x-amz-date': AMZ_DATE };
    const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
    const scope = '20130524/us-east-1/s3/aws4_request';
    await expect(
      authenticate(
        request({
          query: [['lifecycle', '']],
          headers: {
            ...headers,
            authorization: authorizationV4(scope, signedHeaders, 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'),
          },
        }),
        lookup,
        opts(),
      ),
    ).resolves.toMatchObject({ method: 'v4-header', principalId: 'user-1' });
    await expect(
      authenticate(
        request({
          query: [
            ['max-keys', '2'],
            ['prefix', 'J'],
          ],
          headers: {
            ...headers,
            authorization: authorizationV4(scope, signedHeaders, '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'),
          },
        }),
        lookup,
        opts(),
      ),
    ).resolves.toMatchObject({ method: 'v4-header', principalId: 'user-1' });
  });

  it('accepts the multiple-chunks example seed signature and returns the chunked payload mode', async () => {
    const result = await authenticate(
      request({
        method: 'PUT',
        rawPath: '/examplebucket/chunkObject.txt',
        headers: {
          host: 's3.amazonaws.com',
          'x-amz-date': AMZ_DATE,
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': '66560',
          'content-length': '66824',
          authorization: authorizationV4(
            '20130524/us-east-1/s3/aws4_request',
            'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
            '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
          ),
        },
      }),
      lookup,
      opts(),
    );
    expect(result.payload).toEqual({
      kind: 'chunked',
      signed: true,
      trailer: false,
      decodedLength: 66560,
      seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      signingKey: deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3'),
      scope: '20130524/us-east-1/s3/aws4_request',
      amzDate: AMZ_DATE,
    });
  });

  it('rejects a tampered header with SignatureDoesNotMatch', async () => {
    await expectS3Error(authenticate(docGetObject({ range: 'bytes=0-10' }), lookup, opts()), 'SignatureDoesNotMatch');
  });

  it('rejects a wrong signature and a wrong path', async () => {
    const req = docGetObject();
    await expectS3Error(authenticate({ ...req, rawPath: '/test2.txt' }, lookup, opts()), 'SignatureDoesNotMatch');
    await expectS3Error(authenticate({ ...req, method: 'HEAD' }, lookup, opts()), 'SignatureDoesNotMatch');
  });

  it('rejects an unknown access key with InvalidAccessKeyId', async () => {
    const req = docGetObject({
      authorization: authorizationV4(
        '20130524/us-east-1/s3/aws4_request',
        'host;range;x-amz-content-sha256;x-amz-date',
        '0'.repeat(64),
        'AKIDUNKNOWN',
      ),
    });
    await expectS3Error(authenticate(req, lookup, opts()), 'InvalidAccessKeyId');
  });
});

describe('authenticate: SigV4 header errors', () => {
  const scope = '20130524/us-east-1/s3/aws4_request';

  it.each([
    ['AWS4-HMAC-SHA256 Credential=x', /three components/],
    ['AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host', /three components/],
    ['AWS4-HMAC-SHA256 Foo=bar, Credential=a, SignedHeaders=host, Signature=x', /"Foo=bar" is malformed/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/${scope}, SignedHeaders=host, Signature=a, Signature=b`, /malformed/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3, SignedHeaders=host, Signature=x`, /Credential is mal-formed/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/${scope}, SignedHeaders=host;;x, Signature=x`, /SignedHeaders/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20130525/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x`, /Invalid credential date/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x`, /incorrect service "iam"/],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=x`, /incorrect terminal/],
  ])('AuthorizationHeaderMalformed for %s', async (authorization, message) => {
    await expectS3Error(authenticate(docGetObject({ authorization }), lookup, opts()), 'AuthorizationHeaderMalformed', message);
  });

  it('names the expected region when the scope has another one', async () => {
    const authorization = authorizationV4('20130524/eu-west-1/s3/aws4_request', 'host', 'x');
    const err = await expectS3Error(
      authenticate(docGetObject({ authorization }), lookup, opts()),
      'AuthorizationHeaderMalformed',
      "the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    );
    expect(err.fields).toEqual({ Region: 'us-east-1' });
  });

  it('rejects a request more than 15 minutes away from the server clock', async () => {
    const later = new Date(DOC_TIME.getTime() + 15 * 60 * 1000 + 1000);
    const err = await expectS3Error(authenticate(docGetObject(), lookup, opts({ now: later })), 'RequestTimeTooSkewed');
    expect(err.fields).toMatchObject({ RequestTime: AMZ_DATE, MaxAllowedSkewMilliseconds: 900000 });
    const earlier = new Date(DOC_TIME.getTime() - 15 * 60 * 1000 - 1000);
    await expectS3Error(authenticate(docGetObject(), lookup, opts({ now: earlier })), 'RequestTimeTooSkewed');
    // Exactly 15 minutes is still fine; maxSkewMs is configurable.
    const edge = new Date(DOC_TIME.getTime() + 15 * 60 * 1000);
    await expect(authenticate(docGetObject(), lookup, opts({ now: edge }))).resolves.toMatchObject({
      method: 'v4-header',
    });
    await expectS3Error(authenticate(docGetObject(), lookup, opts({ now: edge, maxSkewMs: 1000 })), 'RequestTimeTooSkewed');
  });

  it('requires x-amz-date or Date', async () => {
    await expectS3Error(
      authenticate(docGetObject({ 'x-amz-date': undefined }), lookup, opts()),
      'AccessDenied',
      /valid Date or x-amz-date/,
    );
    await expectS3Error(authenticate(docGetObject({ 'x-amz-date': '2013-05-24' }), lookup, opts()), 'AccessDenied');
  });

  it('accepts a request dated by the Date header alone', async () => {
    const req = signed(request({ rawPath: '/b/k' }));
    const { authorization } = signV4Header({
      ...req,
      headers: { host: HOST, date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-content-sha256': EMPTY },
      accessKeyId: AKID,
      secretKey: SECRET,
      region: 'us-east-1',
      amzDate: AMZ_DATE,
      payloadHash: EMPTY,
    });
    const headers = { host: HOST, date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-content-sha256': EMPTY, authorization };
    await expect(authenticate({ ...req, headers }, lookup, opts())).resolves.toMatchObject({ method: 'v4-header' });
  });

  it('requires x-amz-content-sha256 (InvalidRequest) and rejects unknown values (InvalidArgument)', async () => {
    await expectS3Error(
      authenticate(docGetObject({ 'x-amz-content-sha256': undefined }), lookup, opts()),
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
    );
    await expectS3Error(authenticate(docGetObject({ 'x-amz-content-sha256': 'abc' }), lookup, opts()), 'InvalidArgument');
    await expectS3Error(
      authenticate(docGetObject({ 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }), lookup, opts()),
      'InvalidArgument',
    );
  });

  it.each([
    ['UNSIGNED-PAYLOAD', { kind: 'none' }],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', { kind: 'chunked', signed: false, trailer: true, decodedLength: 5 }],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { kind: 'chunked', signed: true, trailer: true, decodedLength: 5 }],
    [EMPTY.toUpperCase(), { kind: 'sha256', sha256: EMPTY }],
  ])('payload mode for x-amz-content-sha256: %s', async (value, payload) => {
    const req = signed(request({ method: 'PUT', rawPath: '/b/k', headers: { host: HOST, 'x-amz-decoded-content-length': '5' } }), value);
    const result = await authenticate(req, lookup, opts());
    expect(result.payload).toMatchObject(payload);
  });

  it('rejects an invalid x-amz-decoded-content-length on a streaming upload', async () => {
    const req = signed(
      request({ method: 'PUT', rawPath: '/b/k', headers: { host: HOST, 'x-amz-decoded-content-length': '-1' } }),
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    );
    await expectS3Error(authenticate(req, lookup, opts()), 'InvalidArgument');
  });

  it('rejects x-amz-* headers (and host) that were not signed', async () => {
    const err = await expectS3Error(
      authenticate(docGetObject({ 'x-amz-acl': 'public-read' }), lookup, opts()),
      'AccessDenied',
      'There were headers present in the request which were not signed',
    );
    expect(err.fields).toEqual({ HeadersNotSigned: 'x-amz-acl' });
    // CloudFront adds x-amz-cf-id after the client signed.
    await expect(authenticate(docGetObject({ 'x-amz-cf-id': 'abc' }), lookup, opts())).resolves.toMatchObject({
      method: 'v4-header',
    });
    const authorization = authorizationV4(
      '20130524/us-east-1/s3/aws4_request',
      'range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    await expectS3Error(authenticate(docGetObject({ authorization }), lookup, opts()), 'AccessDenied');
  });

  it('uses another server region when configured', async () => {
    const req = signed(request({ rawPath: '/b' }), EMPTY, AMZ_DATE, 'eu-central-1');
    await expect(authenticate(req, lookup, opts({ region: 'eu-central-1' }))).resolves.toMatchObject({
      method: 'v4-header',
    });
    await expectS3Error(authenticate(req, lookup, opts()), 'AuthorizationHeaderMalformed');
  });

  it('verifies keys with special characters, encoded paths and a query', async () => {
    const req = signed(
      request({
        method: 'GET',
        rawPath: '/bucket/dir/%E2%82%AC%20x%2By',
        query: [
          ['versionId', 'a/b+c'],
          ['uploads', ''],
        ],
      }),
    );
    await expect(authenticate(req, lookup, opts())).resolves.toMatchObject({ method: 'v4-header' });
  });
});

describe('authenticate: SigV4 presigned URLs', () => {
  const presignedQuery: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${AKID}/20130524/us-east-1/s3/aws4_request`],
    ['X-Amz-Date', AMZ_DATE],
    ['X-Amz-Expires', '86400'],
    ['X-Amz-SignedHeaders', 'host'],
    ['X-Amz-Signature', 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'],
  ];
  const docPresigned = (query = presignedQuery, headers: IncomingHttpHeaders = { host: HOST }): AuthRequest =>
    request({ rawPath: '/test.txt', query, headers });
  const withParam = (name: string, value: string | undefined): Array<[string, string]> => {
    const q = presignedQuery.filter(([k]) => k !== name);
    return value === undefined ? q : [...q, [name, value]];
  };

  it('accepts the S3 documentation example during its validity', async () => {
    for (const now of [DOC_TIME, new Date('2013-05-24T23:59:59Z'), new Date('2013-05-25T00:00:00Z')]) {
      await expect(authenticate(docPresigned(), lookup, opts({ now }))).resolves.toEqual<AuthResult>({
        principalId: 'user-1',
        accessKeyId: AKID,
        method: 'v4-query',
        payload: { kind: 'none' },
      });
    }
  });

  it('rejects it once expired', async () => {
    const err = await expectS3Error(
      authenticate(docPresigned(), lookup, opts({ now: new Date('2013-05-25T00:00:01Z') })),
      'AccessDenied',
      'Request has expired',
    );
    expect(err.fields).toMatchObject({ 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00Z' });
  });

  it('rejects a request dated in the future beyond the allowed skew', async () => {
    await expectS3Error(
      authenticate(docPresigned(), lookup, opts({ now: new Date('2013-05-23T23:44:00Z') })),
      'AccessDenied',
      'Request is not valid yet',
    );
    await expect(authenticate(docPresigned(), lookup, opts({ now: new Date('2013-05-23T23:46:00Z') }))).resolves.toMatchObject({
      method: 'v4-query',
    });
  });

  it('rejects a tampered URL', async () => {
    await expectS3Error(authenticate({ ...docPresigned(), rawPath: '/other.txt' }, lookup, opts()), 'SignatureDoesNotMatch');
    await expectS3Error(
      authenticate(docPresigned([...presignedQuery, ['response-content-type', 'text/html']]), lookup, opts()),
      'SignatureDoesNotMatch',
    );
  });

  it.each([
    ['X-Amz-Expires', '0', /greater than 0/, 403],
    ['X-Amz-Expires', '604801', /less than a week/, 403],
    ['X-Amz-Expires', 'abc', /should be a number/],
    ['X-Amz-Expires', '99999999', /less than a week/, 403],
    ['X-Amz-Expires', '-1', /should be a number/],
    ['X-Amz-Expires', undefined, /requires the X-Amz-Algorithm/],
    ['X-Amz-Date', '2013-05-24', /ISO8601/],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA1', /only supports/],
    ['X-Amz-Credential', `${AKID}/20130524/us-east-1/s3`, /X-Amz-Credential/],
    ['X-Amz-Credential', `${AKID}/20130524/us-west-2/s3/aws4_request`, /the region 'us-west-2' is wrong; expecting 'us-east-1'/],
    ['X-Amz-SignedHeaders', undefined, /requires/],
  ])('AuthorizationQueryParametersError when %s=%s', async (name, value, message, status = 400) => {
    const err = await expectS3Error(
      authenticate(docPresigned(withParam(name, value)), lookup, opts()),
      'AuthorizationQueryParametersError',
      message,
    );
    // S3 answers an X-Amz-Expires out of bounds with 403, the parse errors with 400.
    expect(err.status).toBe(status);
  });

  it('accepts the maximum expiry of 604800 seconds from a real signer', async () => {
    const { query } = presignV4({
      method: 'PUT',
      rawPath: '/bucket/key',
      query: [['x-id', 'PutObject']],
      headers: { host: HOST },
      accessKeyId: AKID,
      secretKey: SECRET,
      region: 'us-east-1',
      amzDate: AMZ_DATE,
      expiresSeconds: 604800,
    });
    const req = request({
      method: 'PUT',
      rawPath: '/bucket/key',
      query,
      headers: { host: HOST, 'content-length': '3' },
    });
    await expect(authenticate(req, lookup, opts({ now: new Date('2013-05-30T00:00:00Z') }))).resolves.toMatchObject({
      method: 'v4-query',
      payload: { kind: 'none' },
    });
    // An x-amz-* header added by whoever holds the URL is refused.
    await expectS3Error(
      authenticate({ ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } }, lookup, opts()),
      'AccessDenied',
      /not signed/,
    );
  });

  it('rejects an unknown key', async () => {
    const query = withParam('X-Amz-Credential', 'AKIDUNKNOWN/20130524/us-east-1/s3/aws4_request');
    await expectS3Error(authenticate(docPresigned(query), lookup, opts()), 'InvalidAccessKeyId');
  });
});

describe('authenticate: SigV2', () => {
  const sign = (sts: string): string => createHmac('sha1', SECRET).update(sts).digest('base64');

  /** Amazon S3 developer guide, "Authenticating Requests (AWS Signature Version 2)": published signatures. */
  it.each([
    ['Object GET', 'GET', '/awsexamplebucket1/photos/puppy.jpg', [], {}, 'Tue, 27 Mar 2007 19:36:42 +0000', 'qgk2+6Sv9/oM7G3qLEjTH1a1l1g='],
    [
      'Object PUT',
      'PUT',
      '/awsexamplebucket1/photos/puppy.jpg',
      [],
      { 'content-type': 'image/jpeg', 'content-length': '94328' },
      'Tue, 27 Mar 2007 21:15:45 +0000',
      'iqRzw+ileNPu1fhspnRs8nOjjIA=',
    ],
    [
      'List',
      'GET',
      '/awsexamplebucket1/',
      [
        ['prefix', 'photos'],
        ['max-keys', '50'],
        ['marker', 'puppy'],
      ],
      { 'user-agent': 'Mozilla/5.0' },
      'Tue, 27 Mar 2007 19:42:41 +0000',
      'm0WP8eCtspQl5Ahe6L1SozdX9YA=',
    ],
    ['Fetch ACL', 'GET', '/awsexamplebucket1/', [['acl', '']], {}, 'Tue, 27 Mar 2007 19:44:46 +0000', '82ZHiFIjc+WbcwFKGUVEQspPn+0='],
  ] as Array<[string, string, string, Array<[string, string]>, IncomingHttpHeaders, string, string]>)(
    'verifies the header form: %s example',
    async (_name, method, rawPath, query, headers, date, signature) => {
      const req = request({
        method,
        rawPath,
        query,
        headers: {
          host: 'awsexamplebucket1.us-west-1.s3.amazonaws.com',
          date,
          ...headers,
          authorization: `AWS ${AKID}:${signature}`,
        },
      });
      await expect(authenticate(req, lookup, opts({ now: new Date(date) }))).resolves.toEqual<AuthResult>({
        principalId: 'user-1',
        accessKeyId: AKID,
        method: 'v2-header',
        payload: { kind: 'none' },
      });
      await expectS3Error(authenticate({ ...req, method: 'DELETE' }, lookup, opts({ now: new Date(date) })), 'SignatureDoesNotMatch');
    },
  );

  it('verifies virtual-hosted-style requests: the bucket of the Host header is signed as a path prefix', async () => {
    // The developer guide's Object GET and List examples are virtual-hosted requests; the path
    // on the wire has no bucket, the string to sign has `/awsexamplebucket1`.
    const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
    const get = request({
      rawPath: '/photos/puppy.jpg',
      virtualHostBucket: 'awsexamplebucket1',
      headers: { host: 'awsexamplebucket1.us-west-1.s3.amazonaws.com', date, authorization: `AWS ${AKID}:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=` },
    });
    await expect(authenticate(get, lookup, opts({ now: new Date(date) }))).resolves.toMatchObject({ method: 'v2-header' });
    await expectS3Error(
      authenticate({ ...get, virtualHostBucket: undefined }, lookup, opts({ now: new Date(date) })),
      'SignatureDoesNotMatch',
    );
    const listDate = 'Tue, 27 Mar 2007 19:42:41 +0000';
    const list = request({
      rawPath: '/',
      virtualHostBucket: 'awsexamplebucket1',
      query: [
        ['prefix', 'photos'],
        ['max-keys', '50'],
        ['marker', 'puppy'],
      ],
      headers: {
        host: 'awsexamplebucket1.s3.amazonaws.com',
        date: listDate,
        'user-agent': 'Mozilla/5.0',
        authorization: `AWS ${AKID}:m0WP8eCtspQl5Ahe6L1SozdX9YA=`,
      },
    });
    await expect(authenticate(list, lookup, opts({ now: new Date(listDate) }))).resolves.toMatchObject({ method: 'v2-header' });
  });

  it('verifies the query form: the developer guide example (Expires=1175139620)', async () => {
    const req = request({
      rawPath: '/johnsmith/photos/puppy.jpg',
      query: [
        ['AWSAccessKeyId', AKID],
        ['Expires', '1175139620'],
        ['Signature', 'NpgCjnDzrM+WFzoENXmpNDUsSn8='],
      ],
    });
    await expect(authenticate(req, lookup, opts({ now: new Date('2007-03-29T03:00:00Z') }))).resolves.toMatchObject({
      method: 'v2-query',
      principalId: 'user-1',
    });
  });

  it('signs content headers, x-amz-* headers and sorted sub-resources; x-amz-date empties the Date line', async () => {
    const sts = [
      'PUT',
      'c8fdb181845a4ca6b8fec737b3581d76',
      'text/html',
      '',
      'x-amz-date:Thu, 17 Nov 2005 18:49:58 GMT',
      'x-amz-magic:abracadabra',
      'x-amz-meta-author:foo@bar.com,bar@baz.com',
      '/quotes/nelson?acl&versionId=3',
    ].join('\n');
    const req = request({
      method: 'PUT',
      rawPath: '/quotes/nelson',
      query: [
        ['versionId', '3'],
        ['foo', 'not-a-sub-resource'],
        ['acl', ''],
      ],
      headers: {
        host: 'quotes.s3.amazonaws.com',
        'content-md5': 'c8fdb181845a4ca6b8fec737b3581d76',
        'content-type': 'text/html',
        date: 'Thu, 17 Nov 2005 18:49:58 GMT',
        'x-amz-date': 'Thu, 17 Nov 2005 18:49:58 GMT',
        'x-amz-magic': 'abracadabra',
        'x-amz-meta-author': ['foo@bar.com', 'bar@baz.com'] as unknown as string,
        authorization: `AWS ${AKID}:${sign(sts)}`,
      },
    });
    const now = new Date('2005-11-17T18:50:00Z');
    await expect(authenticate(req, lookup, opts({ now }))).resolves.toMatchObject({ method: 'v2-header' });
    await expectS3Error(
      authenticate({ ...req, headers: { ...req.headers, 'content-type': 'text/plain' } }, lookup, opts({ now })),
      'SignatureDoesNotMatch',
    );
    await expectS3Error(authenticate(req, lookup, opts({ now: new Date('2005-11-17T19:10:00Z') })), 'RequestTimeTooSkewed');
  });

  it('rejects a malformed header, a missing date and an unknown key', async () => {
    const base = request({ headers: { host: HOST, date: 'Fri, 24 May 2013 00:00:00 GMT' } });
    for (const authorization of ['AWS ', `AWS ${AKID}`, `AWS :sig`, `AWS ${AKID}:`]) {
      await expectS3Error(authenticate({ ...base, headers: { ...base.headers, authorization } }, lookup, opts()), 'InvalidArgument');
    }
    await expectS3Error(
      authenticate(request({ headers: { host: HOST, authorization: `AWS ${AKID}:abc` } }), lookup, opts()),
      'AccessDenied',
      /valid Date or x-amz-date/,
    );
    await expectS3Error(
      authenticate({ ...base, headers: { ...base.headers, authorization: 'AWS NOPE:abc' } }, lookup, opts()),
      'InvalidAccessKeyId',
    );
  });

  it('verifies the query form and its expiry', async () => {
    const expires = String(Date.UTC(2013, 4, 24, 1) / 1000);
    const signature = sign(`GET\n\n\n${expires}\n/bucket/key?response-content-type=text/plain`);
    const req = request({
      rawPath: '/bucket/key',
      query: [
        ['AWSAccessKeyId', AKID],
        ['Expires', expires],
        ['Signature', signature],
        ['response-content-type', 'text/plain'],
      ],
    });
    await expect(authenticate(req, lookup, opts())).resolves.toMatchObject({
      method: 'v2-query',
      principalId: 'user-1',
      payload: { kind: 'none' },
    });
    await expectS3Error(authenticate(req, lookup, opts({ now: new Date('2013-05-24T01:00:01Z') })), 'AccessDenied', 'Request has expired');
    await expectS3Error(authenticate({ ...req, rawPath: '/bucket/other' }, lookup, opts()), 'SignatureDoesNotMatch');
    await expectS3Error(
      authenticate({ ...req, query: req.query.filter(([k]) => k !== 'Expires') }, lookup, opts()),
      'AccessDenied',
      /requires the Signature, Expires and AWSAccessKeyId/,
    );
    await expectS3Error(
      authenticate({ ...req, query: req.query.map(([k, v]): [string, string] => [k, k === 'Expires' ? 'soon' : v]) }, lookup, opts()),
      'AccessDenied',
      /seconds since epoch/,
    );
  });
});

describe('authenticate: mechanism selection', () => {
  it('returns anonymous when there are no credentials', async () => {
    await expect(authenticate(request({ query: [['prefix', 'a']] }), lookup, opts())).resolves.toEqual<AuthResult>({
      principalId: null,
      accessKeyId: null,
      method: 'anonymous',
      payload: { kind: 'none' },
    });
  });

  it('does not call the lookup for anonymous requests', async () => {
    const spy = jest.fn(lookup);
    await authenticate(request(), spy, opts());
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses two mechanisms at once', async () => {
    await expectS3Error(
      authenticate(docGetObject({}), lookup, opts()).then(() =>
        authenticate({ ...docGetObject(), query: [['X-Amz-Algorithm', 'AWS4-HMAC-SHA256']] }, lookup, opts()),
      ),
      'InvalidArgument',
      /Only one auth mechanism allowed/,
    );
    await expectS3Error(
      authenticate(
        request({
          query: [
            ['X-Amz-Credential', 'x'],
            ['AWSAccessKeyId', 'y'],
          ],
        }),
        lookup,
        opts(),
      ),
      'InvalidArgument',
      /Only one auth mechanism allowed/,
    );
  });

  it('rejects an unsupported Authorization scheme', async () => {
    await expectS3Error(
      authenticate(request({ headers: { host: HOST, authorization: 'Bearer abc' } }), lookup, opts()),
      'InvalidArgument',
      'Unsupported Authorization Type',
    );
  });

  it('derives each signing key once thanks to the cache', async () => {
    const cache = new SigningKeyCache();
    for (let i = 0; i < 3; i++) await authenticate(docGetObject(), lookup, opts({ signingKeyCache: cache }));
    expect(cache.size).toBe(1);
  });

  it('hashes nothing itself for UNSIGNED-PAYLOAD bodies (sanity of the helper)', () => {
    expect(sha256Hex('')).toBe(EMPTY);
  });
});
