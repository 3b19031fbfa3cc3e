import { createHash, createHmac, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../errors/s3-error';
import {
  CHUNK_PAYLOAD_ALGORITHM,
  CHUNK_SIGNATURE_EXTENSION,
  CHUNK_TRAILER_ALGORITHM,
  EMPTY_SHA256,
  MAX_CHUNK_LINE_BYTES,
  MAX_TRAILER_BYTES,
  TRAILER_SIGNATURE_HEADER,
} from './auth.constants';
import type { PayloadMode } from './auth.types';
import { signaturesEqual } from './sigv4/signature';
import { hexDigitValue } from './sigv4/uri-encode';

export type ChunkedPayload = Extract<PayloadMode, { kind: 'chunked' }>;

const CR = 0x0d;
const LF = 0x0a;
const SIGNATURE_HEX_LENGTH = 64;
/** 16 hex digits already exceed Number.MAX_SAFE_INTEGER; the safe-integer check does the rest. */
const MAX_SIZE_DIGITS = 16;

// Parser states.
const CHUNK_HEADER = 0;
const CHUNK_DATA = 1;
const CHUNK_DATA_CR = 2;
const CHUNK_DATA_LF = 3;
/** After the 0-size chunk: trailer lines (or just the closing empty line) until an empty line. */
const TRAILER = 4;
const DONE = 5;

function malformed(message: string): S3Error {
  return new S3Error('InvalidArgument', { message: `Malformed aws-chunked body: ${message}` });
}

function incomplete(message?: string): S3Error {
  return new S3Error('IncompleteBody', message === undefined ? {} : { message });
}

function signatureMismatch(): S3Error {
  return new S3Error('SignatureDoesNotMatch');
}

/**
 * Decodes an `aws-chunked` body (Content-Encoding: aws-chunked) into the object bytes.
 *
 * Streaming: chunk data is passed through (zero-copy slices) and hashed incrementally; only one
 * chunk-header or trailer line (≤ 4 KiB) is ever buffered. For signed payloads every chunk
 * signature is checked as its closing CRLF arrives, so the bytes of a chunk are emitted *before*
 * its signature is known: a consumer must treat an error of this stream as "discard everything"
 * (stream.pipeline into an atomic write does). Errors are S3Errors: SignatureDoesNotMatch,
 * IncompleteBody (truncated body, decoded length mismatch), InvalidArgument (bad framing).
 *
 * `trailers` holds the trailing headers (lower-cased names) once the stream has finished.
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers, e.g. `{ 'x-amz-checksum-crc32': 'AAAAAA==' }`; filled when the body is complete. */
  readonly trailers: Record<string, string> = {};

  private readonly signingKey: Buffer | undefined;
  private readonly trailerExpected: boolean;
  private readonly decodedLength: number | undefined;
  /** `AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n`, computed once. */
  private readonly chunkStsPrefix: string;
  /** `AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n`, computed once. */
  private readonly trailerStsPrefix: string;

  private state = CHUNK_HEADER;
  private readonly line = Buffer.allocUnsafe(MAX_CHUNK_LINE_BYTES);
  private lineLength = 0;
  private remaining = 0;
  private decodedBytes = 0;
  private chunkHash: Hash | undefined;
  private previousSignature: string;
  private chunkSignature = '';
  private trailerBytes = 0;
  private trailerCanonical = '';
  private trailerSignatureSeen = false;
  private readonly pendingTrailers: Array<[string, string]> = [];

  constructor(payload: ChunkedPayload) {
    super();
    this.trailerExpected = payload.trailer;
    this.decodedLength = payload.decodedLength;
    if (payload.signed) {
      const { signingKey, seedSignature, scope, amzDate } = payload;
      if (signingKey === undefined || seedSignature === undefined || scope === undefined || amzDate === undefined) {
        throw new TypeError('A signed aws-chunked payload needs signingKey, seedSignature, scope and amzDate');
      }
      this.signingKey = signingKey;
      this.previousSignature = seedSignature;
      this.chunkStsPrefix = CHUNK_PAYLOAD_ALGORITHM + '\n' + amzDate + '\n' + scope + '\n';
      this.trailerStsPrefix = CHUNK_TRAILER_ALGORITHM + '\n' + amzDate + '\n' + scope + '\n';
    } else {
      this.previousSignature = '';
      this.chunkStsPrefix = '';
      this.trailerStsPrefix = '';
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.state === TRAILER) {
        // Clients may end right after the final chunk ("0\r\n", the AWS SDK without checksum)
        // or after the last trailer line without the closing empty line.
        if (this.lineLength > 0) this.onLine(this.takeLine(false));
        if (this.state === TRAILER) this.finish();
      }
      if (this.state !== DONE) throw incomplete('The request body terminated unexpectedly');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    const length = buf.length;
    let pos = 0;
    while (pos < length) {
      switch (this.state) {
        case CHUNK_HEADER:
        case TRAILER: {
          const lf = buf.indexOf(LF, pos);
          const end = lf === -1 ? length : lf;
          if (this.lineLength + (end - pos) > MAX_CHUNK_LINE_BYTES) throw malformed('line too long');
          buf.copy(this.line, this.lineLength, pos, end);
          this.lineLength += end - pos;
          if (lf === -1) return;
          pos = lf + 1;
          this.onLine(this.takeLine(this.state === CHUNK_HEADER));
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, length - pos);
          const data = buf.subarray(pos, pos + take);
          this.chunkHash?.update(data);
          this.push(data);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = CHUNK_DATA_CR;
          break;
        }
        case CHUNK_DATA_CR:
          if (buf[pos++] !== CR) throw incomplete('Chunk data is not followed by CRLF');
          this.state = CHUNK_DATA_LF;
          break;
        case CHUNK_DATA_LF:
          if (buf[pos++] !== LF) throw incomplete('Chunk data is not followed by CRLF');
          this.endChunk();
          break;
        default:
          throw malformed('data after the final chunk');
      }
    }
  }

  /** The buffered line without its line ending; chunk headers must end with CRLF. */
  private takeLine(requireCr: boolean): string {
    let end = this.lineLength;
    if (end > 0 && this.line[end - 1] === CR) end--;
    else if (requireCr) throw malformed('chunk header not terminated by CRLF');
    this.lineLength = 0;
    return this.line.toString('latin1', 0, end);
  }

  private onLine(line: string): void {
    if (this.state === CHUNK_HEADER) this.onChunkHeader(line);
    else this.onTrailerLine(line);
  }

  /** `hex-size[;chunk-signature=<64 hex>][;other=ext]`. */
  private onChunkHeader(line: string): void {
    let size = 0;
    let i = 0;
    for (; i < line.length; i++) {
      const digit = hexDigitValue(line.charCodeAt(i));
      if (digit < 0) break;
      size = size * 16 + digit;
    }
    if (i === 0 || i > MAX_SIZE_DIGITS || !Number.isSafeInteger(size)) throw malformed('invalid chunk size');
    let signature: string | undefined;
    if (i < line.length) {
      if (line.charCodeAt(i) !== 0x3b /* ; */) throw malformed('invalid chunk size');
      for (const extension of line.slice(i + 1).split(';')) {
        const eq = extension.indexOf('=');
        if (eq > 0 && extension.slice(0, eq) === CHUNK_SIGNATURE_EXTENSION) signature = extension.slice(eq + 1);
      }
    }
    if (this.signingKey !== undefined) {
      if (signature === undefined || signature.length !== SIGNATURE_HEX_LENGTH) throw malformed('missing chunk signature');
      this.chunkSignature = signature;
    }
    this.decodedBytes += size;
    if (this.decodedLength !== undefined && this.decodedBytes > this.decodedLength) {
      throw incomplete('The decoded body is longer than x-amz-decoded-content-length');
    }
    if (size === 0) {
      if (this.signingKey !== undefined) this.verifyChunk(EMPTY_SHA256);
      this.state = TRAILER;
      return;
    }
    this.remaining = size;
    this.chunkHash = this.signingKey !== undefined ? createHash('sha256') : undefined;
    this.state = CHUNK_DATA;
  }

  private endChunk(): void {
    if (this.chunkHash !== undefined) {
      this.verifyChunk(this.chunkHash.digest('hex'));
      this.chunkHash = undefined;
    }
    this.state = CHUNK_HEADER;
  }

  private verifyChunk(dataSha256: string): void {
    const sts = this.chunkStsPrefix + this.previousSignature + '\n' + EMPTY_SHA256 + '\n' + dataSha256;
    this.verify(sts, this.chunkSignature);
  }

  private verify(stringToSign: string, provided: string): void {
    const expected = createHmac('sha256', this.signingKey as Buffer)
      .update(stringToSign)
      .digest('hex');
    if (!signaturesEqual(expected, provided)) throw signatureMismatch();
    this.previousSignature = expected;
  }

  /** A trailer line `name:value`, the trailer signature, or the closing empty line. */
  private onTrailerLine(line: string): void {
    if (line.length === 0) {
      this.finish();
      return;
    }
    this.trailerBytes += line.length + 2;
    if (!this.trailerExpected) throw malformed('trailing headers without a trailer payload mode');
    if (this.trailerBytes > MAX_TRAILER_BYTES) throw malformed('trailing headers too large');
    if (this.trailerSignatureSeen) throw malformed('data after the trailer signature');
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('invalid trailing header');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE_HEADER) {
      this.trailerSignatureSeen = true;
      if (this.signingKey !== undefined) {
        const sts = this.trailerStsPrefix + this.previousSignature + '\n' + sha256Latin1(this.trailerCanonical);
        this.verify(sts, value);
      }
      return;
    }
    this.pendingTrailers.push([name, value]);
    this.trailerCanonical += name + ':' + value + '\n';
  }

  /** End of the body: checks what only the end can tell, then publishes the trailers. */
  private finish(): void {
    if (this.signingKey !== undefined && this.trailerExpected && !this.trailerSignatureSeen) {
      throw signatureMismatch();
    }
    if (this.decodedLength !== undefined && this.decodedBytes !== this.decodedLength) {
      throw incomplete();
    }
    for (const [name, value] of this.pendingTrailers) {
      Object.defineProperty(this.trailers, name, { value, enumerable: true, writable: true, configurable: true });
    }
    this.state = DONE;
  }
}

function sha256Latin1(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

/** A Transform from an aws-chunked body to the decoded object bytes (see AwsChunkedDecoder). */
export function createAwsChunkedDecoder(payload: ChunkedPayload): AwsChunkedDecoder {
  return new AwsChunkedDecoder(payload);
}
