import { randomBytes, randomUUID } from 'node:crypto';

/** Injectable id source for request ids, upload ids and blob ids. */
export abstract class IdGenerator {
  abstract uuid(): string;
  /** 16 upper-case hex characters, as S3's x-amz-request-id. */
  abstract requestId(): string;
  /** An opaque, URL-safe multipart upload id. */
  abstract uploadId(): string;
}

export class RandomIdGenerator extends IdGenerator {
  uuid(): string {
    return randomUUID();
  }
  requestId(): string {
    return randomBytes(8).toString('hex').toUpperCase();
  }
  uploadId(): string {
    return randomBytes(24).toString('base64url');
  }
}
