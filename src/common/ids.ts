import { randomBytes, randomUUID } from 'node:crypto';

/** Injectable id source for request ids, upload ids and blob ids. */
export abstract class IdGenerator {
  abstract uuid(): string;
  /** 16 upper-case hex characters, as S3's x-amz-request-id. */
  abstract requestId(): string;
  /** An opaque, URL-safe multipart upload id. */
  abstract uploadId(): string;
}

/** Request ids are cut from a pool of CSPRNG bytes: one getrandom call per 512 requests, not one each. */
const REQUEST_ID_POOL = 4096;

export class RandomIdGenerator extends IdGenerator {
  private pool = Buffer.alloc(0);
  private offset = 0;

  uuid(): string {
    return randomUUID();
  }
  requestId(): string {
    if (this.offset + 8 > this.pool.length) {
      this.pool = randomBytes(REQUEST_ID_POOL);
      this.offset = 0;
    }
    const id = this.pool.toString('hex', this.offset, this.offset + 8).toUpperCase();
    this.offset += 8;
    return id;
  }
  uploadId(): string {
    return randomBytes(24).toString('base64url');
  }
}
