import { createHash } from 'node:crypto';
import { SIGV4_ALGORITHM, SIGV4_TERMINATOR } from '../auth.constants';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `<yyyymmdd>/<region>/<service>/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return date + '/' + region + '/' + service + '/' + SIGV4_TERMINATOR;
}

/** AWS4-HMAC-SHA256 \n <amzDate> \n <scope> \n hex(sha256(canonicalRequest)). */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return SIGV4_ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
}
