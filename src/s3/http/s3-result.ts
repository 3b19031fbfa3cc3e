import type { Readable } from 'node:stream';
import type { XmlDocument } from '../xml/write-xml';

export type HeaderValues = Record<string, string | number | undefined>;

/** What a handler returns: exactly one writer turns it into bytes on the wire. */
export class S3Result {
  private constructor(
    readonly status: number,
    readonly headers: HeaderValues,
    readonly xml?: XmlDocument,
    readonly stream?: Readable,
    readonly contentLength?: number,
  ) {}

  static xml(doc: XmlDocument, headers: HeaderValues = {}, status = 200): S3Result {
    return new S3Result(status, headers, doc);
  }

  static empty(status = 200, headers: HeaderValues = {}): S3Result {
    return new S3Result(status, headers);
  }

  /** A body stream of a known length (Content-Length is always sent). */
  static stream(body: Readable, contentLength: number, headers: HeaderValues = {}, status = 200): S3Result {
    return new S3Result(status, headers, undefined, body, contentLength);
  }
}
