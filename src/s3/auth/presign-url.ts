import { S3_SERVICE } from './auth.constants';
import { formatAmzDate } from './sigv4/amz-date';
import { presignV4 } from './sigv4/sign';
import { uriEncode } from './sigv4/uri-encode';

/** The longest validity of a SigV4 presigned URL (7 days). */
export const MAX_PRESIGN_SECONDS = 604_800;

export interface PresignedUrlInput {
  /** Where the S3 API is reached, e.g. `https://s3.example.com` (no path). */
  baseUrl: string;
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  bucket: string;
  key: string;
  versionId?: string;
  accessKeyId: string;
  secretKey: string;
  region: string;
  expiresSeconds: number;
  now: Date;
}

/** A path-style SigV4 presigned URL (query authentication, UNSIGNED-PAYLOAD): pure. */
export function presignedUrl(input: PresignedUrlInput): { url: string; expiresAt: Date } {
  const base = new URL(input.baseUrl);
  const rawPath = `/${uriEncode(input.bucket)}/${uriEncode(input.key, true)}`;
  const query: Array<[string, string]> = input.versionId !== undefined ? [['versionId', input.versionId]] : [];
  const signed = presignV4({
    method: input.method,
    rawPath,
    query,
    headers: { host: base.host },
    accessKeyId: input.accessKeyId,
    secretKey: input.secretKey,
    region: input.region,
    service: S3_SERVICE,
    amzDate: formatAmzDate(input.now.getTime()),
    expiresSeconds: input.expiresSeconds,
  });
  const qs = signed.query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  // The amz-date has a one-second resolution: the URL stops working at that second plus the expiry.
  const signedAt = Math.floor(input.now.getTime() / 1000) * 1000;
  return { url: `${base.protocol}//${base.host}${rawPath}?${qs}`, expiresAt: new Date(signedAt + input.expiresSeconds * 1000) };
}
