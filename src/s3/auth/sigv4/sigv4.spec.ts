import type { IncomingHttpHeaders } from 'node:http';
import { canonicalQueryString, canonicalRequest, trimAll } from './canonical-request';
import { computeSignature, signaturesEqual } from './signature';
import { deriveSigningKey, SigningKeyCache } from './signing-key';
import { credentialScope, sha256Hex, stringToSign } from './string-to-sign';
import { canonicalUri, uriEncode } from './uri-encode';
import { formatAmzDate, parseAmzDate, parseRequestDate } from './amz-date';
import { presignV4, signV4Header } from './sign';

/**
 * The AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30 vectors), restricted to the cases
 * whose path needs no normalisation: S3 does not normalise paths (see the S3-specific tests).
 * post-x-www-form-urlencoded{,-parameters} use the creq consistent with the published .authz.
 */
const SUITE = {
  secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  accessKeyId: 'AKIDEXAMPLE',
  region: 'us-east-1',
  service: 'service',
  amzDate: '20150830T123600Z',
  scope: '20150830/us-east-1/service/aws4_request',
};
const HOST = 'example.amazonaws.com';

interface SuiteCase {
  name: string;
  method: string;
  rawPath: string;
  query?: Array<[string, string]>;
  headers?: IncomingHttpHeaders;
  body?: string;
  creq: string[];
  stsHash: string;
  signature: string;
}

const base = (extra: IncomingHttpHeaders = {}): IncomingHttpHeaders => ({
  host: HOST,
  'x-amz-date': SUITE.amzDate,
  ...extra,
});
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const VANILLA_HEADERS = ['host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date'];

const CASES: SuiteCase[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    rawPath: '/',
    creq: ['GET', '/', '', ...VANILLA_HEADERS, EMPTY],
    stsHash: 'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-empty-query-key',
    method: 'GET',
    rawPath: '/',
    query: [['Param1', 'value1']],
    creq: ['GET', '/', 'Param1=value1', ...VANILLA_HEADERS, EMPTY],
    stsHash: '1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab',
    signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
  },
  {
    name: 'get-vanilla-query-order-key',
    method: 'GET',
    rawPath: '/',
    query: [
      ['Param1', 'value2'],
      ['Param1', 'Value1'],
    ],
    creq: ['GET', '/', 'Param1=Value1&Param1=value2', ...VANILLA_HEADERS, EMPTY],
    stsHash: '704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89',
    signature: 'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    rawPath: '/',
    query: [
      ['Param2', 'value2'],
      ['Param1', 'value1'],
    ],
    creq: ['GET', '/', 'Param1=value1&Param2=value2', ...VANILLA_HEADERS, EMPTY],
    stsHash: '816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-order-value',
    method: 'GET',
    rawPath: '/',
    query: [
      ['Param1', 'value2'],
      ['Param1', 'value1'],
    ],
    creq: ['GET', '/', 'Param1=value1&Param1=value2', ...VANILLA_HEADERS, EMPTY],
    stsHash: 'c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606',
    signature: '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694',
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    rawPath: '/',
    query: [
      [
        '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
        '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      ],
    ],
    creq: [
      'GET',
      '/',
      '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      ...VANILLA_HEADERS,
      EMPTY,
    ],
    stsHash: 'c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    rawPath: '/',
    query: [['\u1234', 'bar']],
    creq: ['GET', '/', '%E1%88%B4=bar', ...VANILLA_HEADERS, EMPTY],
    stsHash: 'eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    rawPath: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    creq: ['GET', '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', '', ...VANILLA_HEADERS, EMPTY],
    stsHash: '6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    // The .req line is "GET /example space/"; on the wire (and in AuthRequest.rawPath) it is encoded.
    name: 'get-space',
    method: 'GET',
    rawPath: '/example%20space/',
    creq: ['GET', '/example%20space/', '', ...VANILLA_HEADERS, EMPTY],
    stsHash: '63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86',
    signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
  },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    rawPath: '/',
    headers: base({ 'my-header1': ['value2', 'value2', 'value1'] as unknown as string }),
    creq: [
      'GET',
      '/',
      '',
      'host:example.amazonaws.com',
      'my-header1:value2,value2,value1',
      'x-amz-date:20150830T123600Z',
      '',
      'host;my-header1;x-amz-date',
      EMPTY,
    ],
    stsHash: 'dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
  },
  {
    name: 'get-header-value-order',
    method: 'GET',
    rawPath: '/',
    headers: base({ 'my-header1': ['value4', 'value1', 'value3', 'value2'] as unknown as string }),
    creq: [
      'GET',
      '/',
      '',
      'host:example.amazonaws.com',
      'my-header1:value4,value1,value3,value2',
      'x-amz-date:20150830T123600Z',
      '',
      'host;my-header1;x-amz-date',
      EMPTY,
    ],
    stsHash: '31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86',
    signature: '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    rawPath: '/',
    headers: base({ 'my-header1': ' value1', 'my-header2': ' "a   b   c"' }),
    creq: [
      'GET',
      '/',
      '',
      'host:example.amazonaws.com',
      'my-header1:value1',
      'my-header2:"a b c"',
      'x-amz-date:20150830T123600Z',
      '',
      'host;my-header1;my-header2;x-amz-date',
      EMPTY,
    ],
    stsHash: 'a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    rawPath: '/',
    creq: ['POST', '/', '', ...VANILLA_HEADERS, EMPTY],
    stsHash: '553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    rawPath: '/',
    headers: base({ 'my-header1': 'value1' }),
    creq: [
      'POST',
      '/',
      '',
      'host:example.amazonaws.com',
      'my-header1:value1',
      'x-amz-date:20150830T123600Z',
      '',
      'host;my-header1;x-amz-date',
      EMPTY,
    ],
    stsHash: '9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    rawPath: '/',
    headers: base({ 'my-header1': 'VALUE1' }),
    creq: [
      'POST',
      '/',
      '',
      'host:example.amazonaws.com',
      'my-header1:VALUE1',
      'x-amz-date:20150830T123600Z',
      '',
      'host;my-header1;x-amz-date',
      EMPTY,
    ],
    stsHash: 'd51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    rawPath: '/',
    query: [['Param1', 'value1']],
    creq: ['POST', '/', 'Param1=value1', ...VANILLA_HEADERS, EMPTY],
    stsHash: '9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    rawPath: '/',
    headers: base({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: 'Param1=value1',
    creq: [
      'POST',
      '/',
      '',
      'content-type:application/x-www-form-urlencoded',
      'host:example.amazonaws.com',
      'x-amz-date:20150830T123600Z',
      '',
      'content-type;host;x-amz-date',
      '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
    ],
    stsHash: '42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    method: 'POST',
    rawPath: '/',
    headers: base({ 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }),
    body: 'Param1=value1',
    creq: [
      'POST',
      '/',
      '',
      'content-type:application/x-www-form-urlencoded; charset=utf8',
      'host:example.amazonaws.com',
      'x-amz-date:20150830T123600Z',
      '',
      'content-type;host;x-amz-date',
      '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
    ],
    stsHash: '2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c',
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
  },
  {
    name: 'post-sts-header-before',
    method: 'POST',
    rawPath: '/',
    headers: base({
      'x-amz-security-token':
        'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==',
    }),
    creq: [
      'POST',
      '/',
      '',
      'host:example.amazonaws.com',
      'x-amz-date:20150830T123600Z',
      'x-amz-security-token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==',
      '',
      'host;x-amz-date;x-amz-security-token',
      EMPTY,
    ],
    stsHash: 'c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
];

describe('SigV4: AWS test-suite vectors', () => {
  const signingKey = deriveSigningKey(SUITE.secretKey, '20150830', SUITE.region, SUITE.service);

  it.each(CASES)('$name', (c) => {
    const headers = c.headers ?? base();
    const signedHeaders = Object.keys(headers).sort();
    const creq = canonicalRequest({
      method: c.method,
      rawPath: c.rawPath,
      query: c.query ?? [],
      headers,
      signedHeaders,
      payloadHash: sha256Hex(c.body ?? ''),
    });
    expect(creq).toBe(c.creq.join('\n'));

    const sts = stringToSign(SUITE.amzDate, credentialScope('20150830', SUITE.region, SUITE.service), creq);
    expect(sts).toBe(['AWS4-HMAC-SHA256', SUITE.amzDate, SUITE.scope, c.stsHash].join('\n'));
    expect(computeSignature(signingKey, sts)).toBe(c.signature);

    const { authorization } = signV4Header({
      method: c.method,
      rawPath: c.rawPath,
      query: c.query ?? [],
      headers,
      accessKeyId: SUITE.accessKeyId,
      secretKey: SUITE.secretKey,
      region: SUITE.region,
      service: SUITE.service,
      amzDate: SUITE.amzDate,
      payloadHash: sha256Hex(c.body ?? ''),
    });
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SUITE.scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${c.signature}`,
    );
  });
});

/** Amazon S3 API reference, "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk". */
describe('SigV4: Amazon S3 documentation examples', () => {
  const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const AMZ_DATE = '20130524T000000Z';
  const SCOPE = '20130524/us-east-1/s3/aws4_request';
  const S3_HOST = 'examplebucket.s3.amazonaws.com';
  const signingKey = deriveSigningKey(S3_SECRET, '20130524', 'us-east-1', 's3');

  function check(
    input: {
      method: string;
      rawPath: string;
      query?: Array<[string, string]>;
      headers: IncomingHttpHeaders;
      payloadHash: string;
    },
    creq: string[],
    stsHash: string,
    signature: string,
  ): void {
    const actual = canonicalRequest({
      ...input,
      query: input.query ?? [],
      signedHeaders: Object.keys(input.headers).sort(),
    });
    expect(actual).toBe(creq.join('\n'));
    const sts = stringToSign(AMZ_DATE, SCOPE, actual);
    expect(sts).toBe(['AWS4-HMAC-SHA256', AMZ_DATE, SCOPE, stsHash].join('\n'));
    expect(computeSignature(signingKey, sts)).toBe(signature);
  }

  it('GET Object with a Range header', () => {
    check(
      {
        method: 'GET',
        rawPath: '/test.txt',
        headers: { host: S3_HOST, range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': AMZ_DATE },
        payloadHash: EMPTY,
      },
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY,
      ],
      '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('PUT Object test$file.text (the $ is encoded in the canonical URI)', () => {
    const payloadHash = sha256Hex('Welcome to Amazon S3.');
    expect(payloadHash).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const headers = {
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      host: S3_HOST,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': AMZ_DATE,
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    };
    const creq = [
      'PUT',
      '/test%24file.text',
      '',
      'date:Fri, 24 May 2013 00:00:00 GMT',
      'host:examplebucket.s3.amazonaws.com',
      `x-amz-content-sha256:${payloadHash}`,
      'x-amz-date:20130524T000000Z',
      'x-amz-storage-class:REDUCED_REDUNDANCY',
      '',
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      payloadHash,
    ];
    const stsHash = '9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d';
    const signature = '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd';
    // Sent raw or percent-encoded, the canonical URI is the same.
    check({ method: 'PUT', rawPath: '/test$file.text', headers, payloadHash }, creq, stsHash, signature);
    check({ method: 'PUT', rawPath: '/test%24file.text', headers, payloadHash }, creq, stsHash, signature);
  });

  it('GET Bucket lifecycle (a flag sub-resource is "lifecycle=")', () => {
    check(
      {
        method: 'GET',
        rawPath: '/',
        query: [['lifecycle', '']],
        headers: { host: S3_HOST, 'x-amz-content-sha256': EMPTY, 'x-amz-date': AMZ_DATE },
        payloadHash: EMPTY,
      },
      [
        'GET',
        '/',
        'lifecycle=',
        'host:examplebucket.s3.amazonaws.com',
        `x-amz-content-sha256:${EMPTY}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;x-amz-content-sha256;x-amz-date',
        EMPTY,
      ],
      '9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca',
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
  });

  it('GET Bucket (list objects) ?max-keys=2&prefix=J', () => {
    check(
      {
        method: 'GET',
        rawPath: '/',
        query: [
          ['max-keys', '2'],
          ['prefix', 'J'],
        ],
        headers: { host: S3_HOST, 'x-amz-content-sha256': EMPTY, 'x-amz-date': AMZ_DATE },
        payloadHash: EMPTY,
      },
      [
        'GET',
        '/',
        'max-keys=2&prefix=J',
        'host:examplebucket.s3.amazonaws.com',
        `x-amz-content-sha256:${EMPTY}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;x-amz-content-sha256;x-amz-date',
        EMPTY,
      ],
      'df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7',
      '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });

  it('presigned GET /test.txt, expires 86400 (X-Amz-Signature excluded, UNSIGNED-PAYLOAD)', () => {
    const query: Array<[string, string]> = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `AKIAIOSFODNN7EXAMPLE/${SCOPE}`],
      ['X-Amz-Date', AMZ_DATE],
      ['X-Amz-Expires', '86400'],
      ['X-Amz-SignedHeaders', 'host'],
      ['X-Amz-Signature', 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'],
    ];
    const creq = canonicalRequest({
      method: 'GET',
      rawPath: '/test.txt',
      query,
      headers: { host: S3_HOST },
      signedHeaders: ['host'],
      payloadHash: 'UNSIGNED-PAYLOAD',
      excludeQueryParam: 'X-Amz-Signature',
    });
    expect(creq).toBe(
      [
        'GET',
        '/test.txt',
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
        'host:examplebucket.s3.amazonaws.com',
        '',
        'host',
        'UNSIGNED-PAYLOAD',
      ].join('\n'),
    );
    const sts = stringToSign(AMZ_DATE, SCOPE, creq);
    expect(sts.split('\n')[3]).toBe('3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04');
    expect(computeSignature(signingKey, sts)).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');

    const presigned = presignV4({
      method: 'GET',
      rawPath: '/test.txt',
      query: [],
      headers: { host: S3_HOST },
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretKey: S3_SECRET,
      region: 'us-east-1',
      amzDate: AMZ_DATE,
      expiresSeconds: 86400,
    });
    expect(presigned.query).toEqual(query);
  });
});

describe('SigV4: S3 canonical URI', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/bucket/key', '/bucket/key'],
    ['//example//', '//example//'], // no slash collapsing in S3
    ['/a/./b/../c', '/a/./b/../c'], // no dot-segment removal in S3
    ['/bucket/a%20b', '/bucket/a%20b'],
    ['/bucket/a%2fb', '/bucket/a/b'], // decoded once, `/` kept
    ['/bucket/a%2520b', '/bucket/a%2520b'], // not double-decoded, not double-encoded
    ['/bucket/%e1%88%b4', '/bucket/%E1%88%B4'], // hex case normalised
    ['/bucket/\u1234', '/bucket/%E1%88%B4'],
    ['/bucket/a+b', '/bucket/a%2Bb'],
    ["/bucket/!'()*$&,;=:@", '/bucket/%21%27%28%29%2A%24%26%2C%3B%3D%3A%40'],
    ['/bucket/50%', '/bucket/50%25'], // stray percent
    ['/bucket/%zz', '/bucket/%25zz'],
    ['/bucket/%ff%fe', '/bucket/%FF%FE'], // not UTF-8: bytes round-trip
  ])('%j → %j', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });
});

describe('SigV4: UriEncode and canonical query string', () => {
  it('encodes everything but unreserved characters, `/` only when asked', () => {
    expect(uriEncode('a/b c~d')).toBe('a%2Fb%20c~d');
    expect(uriEncode('a/b c~d', true)).toBe('a/b%20c~d');
    expect(uriEncode('é')).toBe('%C3%A9');
    expect(uriEncode('plain-._~')).toBe('plain-._~');
  });

  it('sorts by encoded name, then by encoded value; flags are name=', () => {
    expect(
      canonicalQueryString([
        ['prefix', 'a b'],
        ['list-type', '2'],
        ['uploads', ''],
        ['a-b', '1'],
        ['a', '2'],
      ]),
    ).toBe('a=2&a-b=1&list-type=2&prefix=a%20b&uploads=');
  });

  it('sorts by byte order of the encoded names (upper case first)', () => {
    expect(
      canonicalQueryString([
        ['b', '1'],
        ['B', '2'],
        ['_', '3'],
      ]),
    ).toBe('B=2&_=3&b=1');
  });

  it('leaves out the excluded parameter', () => {
    expect(
      canonicalQueryString(
        [
          ['X-Amz-Signature', 'abc'],
          ['x', '1'],
        ],
        'X-Amz-Signature',
      ),
    ).toBe('x=1');
  });

  it('trims header values and collapses inner whitespace', () => {
    expect(trimAll('  a   b \t c  ')).toBe('a b c');
    expect(trimAll('plain')).toBe('plain');
  });
});

describe('SigV4: signing key cache', () => {
  it('derives the same key as the uncached chain, once per (secret, date, region, service)', () => {
    const cache = new SigningKeyCache(2);
    const k1 = cache.get('secret', '20130524', 'us-east-1', 's3');
    expect(k1.equals(deriveSigningKey('secret', '20130524', 'us-east-1', 's3'))).toBe(true);
    expect(cache.get('secret', '20130524', 'us-east-1', 's3')).toBe(k1);
    expect(cache.size).toBe(1);
  });

  it('evicts the least recently used entry', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.get('a', '20130524', 'us-east-1', 's3');
    const b = cache.get('b', '20130524', 'us-east-1', 's3');
    expect(cache.get('a', '20130524', 'us-east-1', 's3')).toBe(a); // a is now the most recent
    cache.get('c', '20130524', 'us-east-1', 's3'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get('a', '20130524', 'us-east-1', 's3')).toBe(a);
    const b2 = cache.get('b', '20130524', 'us-east-1', 's3');
    expect(b2).not.toBe(b);
    expect(b2.equals(b)).toBe(true);
  });

  it('rejects a non-positive size', () => {
    expect(() => new SigningKeyCache(0)).toThrow(RangeError);
  });
});

describe('SigV4: signature comparison', () => {
  it('compares in constant time and rejects other lengths and non-ASCII look-alikes', () => {
    expect(signaturesEqual('abcd', 'abcd')).toBe(true);
    expect(signaturesEqual('abcd', 'abce')).toBe(false);
    expect(signaturesEqual('abcd', 'abc')).toBe(false);
    expect(signaturesEqual('abca', 'abc\u0161')).toBe(false);
  });
});

describe('SigV4: timestamps', () => {
  it('parses and formats ISO 8601 basic', () => {
    expect(parseAmzDate('20130524T000000Z')).toBe(Date.UTC(2013, 4, 24));
    expect(formatAmzDate(Date.UTC(2013, 4, 24, 1, 2, 3))).toBe('20130524T010203Z');
  });

  it.each(['2013-05-24T00:00:00Z', '20130524T000000', '20130231T000000Z', '20131324T000000Z', '20130524T240000Z', 'x'])(
    'rejects %j',
    (value) => {
      expect(parseAmzDate(value)).toBeNull();
    },
  );

  it('parses HTTP dates and ISO basic for the Date header', () => {
    expect(parseRequestDate('Fri, 24 May 2013 00:00:00 GMT')).toBe(Date.UTC(2013, 4, 24));
    expect(parseRequestDate('20130524T000000Z')).toBe(Date.UTC(2013, 4, 24));
    expect(parseRequestDate('not a date')).toBeNull();
  });
});
