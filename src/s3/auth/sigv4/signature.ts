import { createHmac, timingSafeEqual } from 'node:crypto';

/** hex(HMAC-SHA256(signingKey, stringToSign)): the SigV4 signature. */
export function computeSignature(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

/**
 * Constant-time comparison of an expected signature with the one a client sent (hex or base64
 * text). Different lengths are a mismatch; only the length leaks, and it is public anyway.
 */
export function signaturesEqual(expected: string, provided: string): boolean {
  if (expected.length !== provided.length) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // Non-ASCII text changes the byte length, hence the second check.
  return a.length === b.length && timingSafeEqual(a, b);
}
