import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors/s3-error';

/**
 * Headers that ask for server-side encryption: SSE-S3 / SSE-KMS (`x-amz-server-side-encryption`,
 * `-aws-kms-key-id`, `-context`, `-bucket-key-enabled`), SSE-C (`-customer-algorithm`, `-key`,
 * `-key-MD5`) and SSE-C of a copy source (`x-amz-copy-source-server-side-encryption-customer-*`).
 */
const SSE_PREFIXES = ['x-amz-server-side-encryption', 'x-amz-copy-source-server-side-encryption'];

/**
 * This server stores bytes as they come: it does not encrypt at rest. A request that asks for
 * encryption is refused with NotImplemented (as S3-compatible servers without a KMS answer),
 * never accepted silently: the client would believe its data encrypted, and an SSE-C object
 * would be readable without its key.
 */
export function refuseServerSideEncryption(headers: IncomingHttpHeaders): void {
  for (const name of Object.keys(headers)) {
    if (SSE_PREFIXES.some((p) => name.startsWith(p))) {
      throw new S3Error('NotImplemented', {
        message: `Server-side encryption is not supported by this server (${name}); objects are stored unencrypted.`,
      });
    }
  }
}
