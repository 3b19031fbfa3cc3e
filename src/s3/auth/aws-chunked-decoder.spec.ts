import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Error } from '../errors/s3-error';
import { AwsChunkedDecoder, createAwsChunkedDecoder, type ChunkedPayload } from './aws-chunked-decoder';
import { deriveSigningKey } from './sigv4/signing-key';

/**
 * Amazon S3 API reference, "Signature Calculations for the Authorization Header: Transferring
 * Payload in Multiple Chunks": PUT /examplebucket/chunkObject.txt, 65536 + 1024 bytes of 'a'.
 */
const AMZ_DATE = '20130524T000000Z';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const SIGNING_KEY = deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const DOC_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const DOC_DATA = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')];

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (sts: string): string => createHmac('sha256', SIGNING_KEY).update(sts).digest('hex');

interface BodyOptions {
  signed: boolean;
  /** Trailing headers, in order; undefined = no trailer section. */
  trailers?: Array<[string, string]>;
  /** For signed trailers: replaces the value covered by the trailer signature (tamper test). */
  signTrailersAs?: Array<[string, string]>;
  /** Leave out x-amz-trailer-signature. */
  omitTrailerSignature?: boolean;
  /** Leave out the closing empty line. */
  omitFinalCrlf?: boolean;
}

/** Builds an aws-chunked body the way the AWS SDKs do, signing each chunk from the seed. */
function buildBody(chunks: Buffer[], options: BodyOptions): { body: Buffer; signatures: string[] } {
  const parts: Buffer[] = [];
  const signatures: string[] = [];
  let previous = SEED;
  for (const data of [...chunks, Buffer.alloc(0)]) {
    let header = data.length.toString(16);
    if (options.signed) {
      previous = hmac(['AWS4-HMAC-SHA256-PAYLOAD', AMZ_DATE, SCOPE, previous, EMPTY, sha256(data)].join('\n'));
      signatures.push(previous);
      header += `;chunk-signature=${previous}`;
    }
    parts.push(Buffer.from(header + '\r\n'), data);
    if (data.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (options.trailers !== undefined) {
    for (const [name, value] of options.trailers) parts.push(Buffer.from(`${name}:${value}\r\n`));
    if (options.signed && !options.omitTrailerSignature) {
      const canonical = (options.signTrailersAs ?? options.trailers).map(([n, v]) => `${n}:${v}\n`).join('');
      const signature = hmac(['AWS4-HMAC-SHA256-TRAILER', AMZ_DATE, SCOPE, previous, sha256(canonical)].join('\n'));
      parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`));
    }
  }
  if (!options.omitFinalCrlf) parts.push(Buffer.from('\r\n'));
  return { body: Buffer.concat(parts), signatures };
}

const signedPayload = (over: Partial<ChunkedPayload> = {}): ChunkedPayload => ({
  kind: 'chunked',
  signed: true,
  trailer: false,
  seedSignature: SEED,
  signingKey: SIGNING_KEY,
  scope: SCOPE,
  amzDate: AMZ_DATE,
  ...over,
});
const unsignedTrailerPayload = (over: Partial<ChunkedPayload> = {}): ChunkedPayload => ({
  kind: 'chunked',
  signed: false,
  trailer: true,
  ...over,
});

function split(body: Buffer, pieceSize: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += pieceSize) pieces.push(body.subarray(i, i + pieceSize));
  return pieces;
}

/** Pipes `pieces` through a decoder; resolves with the decoded bytes and the decoder. */
async function decode(payload: ChunkedPayload, pieces: Buffer[]): Promise<{ data: Buffer; decoder: AwsChunkedDecoder }> {
  const decoder = createAwsChunkedDecoder(payload);
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), decoder, async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) out.push(chunk);
    yield* [];
  });
  return { data: Buffer.concat(out), decoder };
}

async function expectDecodeError(payload: ChunkedPayload, pieces: Buffer[], code: string): Promise<void> {
  const err = await decode(payload, pieces).then(
    () => {
      throw new Error(`expected S3Error ${code}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(S3Error);
  expect((err as S3Error).code).toBe(code);
}

describe('aws-chunked decoder: signed chunks (S3 documentation example)', () => {
  const { body, signatures } = buildBody(DOC_DATA, { signed: true });

  it('signs the example chunks as published (the test builder is right)', () => {
    expect(signatures).toEqual(DOC_SIGNATURES);
    expect(body.length).toBe(66824);
  });

  it.each([
    ['in one write', body.length],
    ['in 1-byte writes', 1],
    ['in 7-byte writes', 7],
    ['in 65-KiB writes', 65 * 1024 + 3],
  ])('decodes the body %s', async (_label, pieceSize) => {
    const { data, decoder } = await decode(signedPayload({ decodedLength: 66560 }), split(body, pieceSize));
    expect(data.equals(Buffer.concat(DOC_DATA))).toBe(true);
    expect(decoder.trailers).toEqual({});
  });

  it('accepts a body without the closing CRLF', async () => {
    const { body: short } = buildBody(DOC_DATA, { signed: true, omitFinalCrlf: true });
    const { data } = await decode(signedPayload(), [short]);
    expect(data.length).toBe(66560);
  });

  it('rejects tampered chunk data', async () => {
    const chunk2Data = body.indexOf('\r\n', body.indexOf('400;chunk-signature=')) + 2;
    for (const offset of [100, chunk2Data + 10]) {
      const tampered = Buffer.from(body);
      tampered[offset] = 'b'.charCodeAt(0);
      await expectDecodeError(signedPayload(), [tampered], 'SignatureDoesNotMatch');
      await expectDecodeError(signedPayload(), split(tampered, 1), 'SignatureDoesNotMatch');
    }
  });

  it('rejects a tampered chunk signature, a wrong seed and a swapped final signature', async () => {
    const text = body.toString('latin1');
    const badSig = Buffer.from(text.replace(DOC_SIGNATURES[0], DOC_SIGNATURES[0].replace(/^a/, 'b')), 'latin1');
    await expectDecodeError(signedPayload(), [badSig], 'SignatureDoesNotMatch');
    await expectDecodeError(signedPayload({ seedSignature: '0'.repeat(64) }), [body], 'SignatureDoesNotMatch');
    const badFinal = Buffer.from(text.replace(DOC_SIGNATURES[2], DOC_SIGNATURES[1]), 'latin1');
    await expectDecodeError(signedPayload(), [badFinal], 'SignatureDoesNotMatch');
  });

  it('rejects a signed chunk without chunk-signature', async () => {
    const unsigned = buildBody(DOC_DATA, { signed: false }).body;
    await expectDecodeError(signedPayload(), [unsigned], 'InvalidArgument');
  });

  it('rejects a body that ends before the final chunk', async () => {
    await expectDecodeError(signedPayload(), [body.subarray(0, 1000)], 'IncompleteBody'); // inside chunk data
    await expectDecodeError(signedPayload(), [body.subarray(0, 50)], 'IncompleteBody'); // inside a chunk header
    const beforeFinal = body.toString('latin1').lastIndexOf('0;chunk-signature=');
    await expectDecodeError(signedPayload(), [body.subarray(0, beforeFinal)], 'IncompleteBody');
    await expectDecodeError(signedPayload(), [Buffer.alloc(0)], 'IncompleteBody');
  });

  it('checks x-amz-decoded-content-length', async () => {
    await expectDecodeError(signedPayload({ decodedLength: 66559 }), [body], 'IncompleteBody');
    await expectDecodeError(signedPayload({ decodedLength: 66561 }), [body], 'IncompleteBody');
  });

  it('needs the signing material for a signed payload', () => {
    expect(() => createAwsChunkedDecoder({ kind: 'chunked', signed: true, trailer: false })).toThrow(TypeError);
  });
});

describe('aws-chunked decoder: trailers', () => {
  const trailers: Array<[string, string]> = [['x-amz-checksum-crc32', 'AAAAAA==']];
  const signedTrailer = () => signedPayload({ trailer: true, decodedLength: 66560 });

  it('verifies a signed trailer and exposes the trailing headers', async () => {
    const { body } = buildBody(DOC_DATA, { signed: true, trailers });
    for (const pieces of [[body], split(body, 1)]) {
      const { data, decoder } = await decode(signedTrailer(), pieces);
      expect(data.length).toBe(66560);
      expect(decoder.trailers).toEqual({ 'x-amz-checksum-crc32': 'AAAAAA==' });
    }
  });

  it('rejects a tampered trailer value', async () => {
    const { body } = buildBody(DOC_DATA, {
      signed: true,
      trailers: [['x-amz-checksum-crc32', 'BBBBBB==']],
      signTrailersAs: trailers,
    });
    await expectDecodeError(signedTrailer(), [body], 'SignatureDoesNotMatch');
  });

  it('rejects a signed trailer without its signature', async () => {
    const { body } = buildBody(DOC_DATA, { signed: true, trailers, omitTrailerSignature: true });
    await expectDecodeError(signedTrailer(), [body], 'SignatureDoesNotMatch');
  });

  it('decodes the unsigned-trailer form the AWS SDK sends, byte by byte', async () => {
    const { body } = buildBody([Buffer.from('hello '), Buffer.from('world')], {
      signed: false,
      trailers: [['X-Amz-Checksum-CRC32', 'DUoRhQ==']],
    });
    expect(body.toString()).toBe('6\r\nhello \r\n5\r\nworld\r\n0\r\nX-Amz-Checksum-CRC32:DUoRhQ==\r\n\r\n');
    for (const pieces of [[body], split(body, 1)]) {
      const { data, decoder } = await decode(unsignedTrailerPayload({ decodedLength: 11 }), pieces);
      expect(data.toString()).toBe('hello world');
      expect(decoder.trailers).toEqual({ 'x-amz-checksum-crc32': 'DUoRhQ==' });
    }
  });

  it('accepts an unsigned body that stops right after "0\\r\\n" (SDK without checksum)', async () => {
    const { data, decoder } = await decode(unsignedTrailerPayload(), [Buffer.from('3\r\nabc\r\n0\r\n')]);
    expect(data.toString()).toBe('abc');
    expect(decoder.trailers).toEqual({});
  });

  it('rejects trailing headers when the payload mode has no trailer', async () => {
    const { body } = buildBody(DOC_DATA, { signed: true, trailers });
    await expectDecodeError(signedPayload(), [body], 'InvalidArgument');
  });

  it('rejects a malformed trailer line and oversized trailers', async () => {
    await expectDecodeError(unsignedTrailerPayload(), [Buffer.from('0\r\nno-colon\r\n\r\n')], 'InvalidArgument');
    const many = Array.from({ length: 20 }, (_, i) => `x-amz-meta-${i}:${'v'.repeat(1000)}\r\n`).join('');
    await expectDecodeError(unsignedTrailerPayload(), [Buffer.from(`0\r\n${many}\r\n`)], 'InvalidArgument');
  });
});

describe('aws-chunked decoder: framing', () => {
  const unsigned = (over: Partial<ChunkedPayload> = {}) => unsignedTrailerPayload(over);

  it.each([
    ['a non-hex size', 'zz\r\nabc\r\n0\r\n\r\n', 'InvalidArgument'],
    ['an empty size line', '\r\n0\r\n\r\n', 'InvalidArgument'],
    ['junk after the size', '3 x\r\nabc\r\n0\r\n\r\n', 'InvalidArgument'],
    ['a bare LF after the chunk header', '3\nabc\r\n0\r\n\r\n', 'InvalidArgument'],
    ['a chunk longer than its size', '3\r\nabcd\r\n0\r\n\r\n', 'IncompleteBody'],
    ['a chunk shorter than its size', '3\r\nab\r\n0\r\n\r\n', 'IncompleteBody'],
    ['data after the end', '3\r\nabc\r\n0\r\n\r\nextra', 'InvalidArgument'],
    ['an absurd size', 'fffffffffffffffff\r\n', 'InvalidArgument'],
  ])('rejects %s', async (_label, body, code) => {
    await expectDecodeError(unsigned(), [Buffer.from(body)], code);
    await expectDecodeError(unsigned(), split(Buffer.from(body), 1), code);
  });

  it('rejects a chunk header line over 4 KiB, however it is split', async () => {
    const body = Buffer.from(`3;${'x'.repeat(5000)}\r\nabc\r\n0\r\n\r\n`);
    await expectDecodeError(unsigned(), [body], 'InvalidArgument');
    await expectDecodeError(unsigned(), split(body, 100), 'InvalidArgument');
  });

  it('ignores unknown chunk extensions', async () => {
    const { data } = await decode(unsigned(), [Buffer.from('3;foo=bar\r\nabc\r\n0\r\n\r\n')]);
    expect(data.toString()).toBe('abc');
  });

  it('streams a large chunk instead of buffering it', async () => {
    const decoder = createAwsChunkedDecoder(unsigned());
    const size = 8 * 1024 * 1024;
    decoder.write(Buffer.from(`${size.toString(16)}\r\n`));
    decoder.write(Buffer.alloc(1024 * 1024, 'z'));
    // The first MiB of an 8-MiB chunk is readable before the rest has arrived.
    const first = decoder.read() as Buffer | null;
    expect(first?.length).toBe(1024 * 1024);
    decoder.destroy();
  });
});
