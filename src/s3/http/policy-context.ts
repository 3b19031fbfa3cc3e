import type { IncomingMessage } from 'node:http';
import type { AuthResult } from '../auth/auth.types';
import type { Principal } from '../../iam/principal';
import { H } from './headers';

/** The IAM condition keys of an S3 request (the subset the policy evaluator documents). */
export function policyContext(
  req: IncomingMessage,
  query: URLSearchParams,
  auth: AuthResult | null,
  principal: Principal | null,
  now: Date,
  secure: boolean,
): Record<string, string | string[] | undefined> {
  const h = req.headers;
  const one = (name: string) => {
    const v = h[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const ctx: Record<string, string | string[] | undefined> = {
    'aws:SourceIp': sourceIp(req),
    'aws:SecureTransport': secure ? 'true' : 'false',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:Referer': one('referer'),
    'aws:UserAgent': one('user-agent'),
    'aws:PrincipalType': principal ? 'User' : 'Anonymous',
    'aws:username': principal?.username,
    'aws:userid': principal?.userId,
    's3:x-amz-acl': one('x-amz-acl'),
    's3:x-amz-content-sha256': one(H.amzContentSha256),
    's3:VersionId': query.get('versionId') ?? undefined,
    's3:prefix': query.get('prefix') ?? undefined,
    's3:delimiter': query.get('delimiter') ?? undefined,
    's3:max-keys': query.get('max-keys') ?? undefined,
    's3:x-amz-copy-source': one(H.amzCopySource),
    's3:x-amz-metadata-directive': one(H.amzMetadataDirective),
    's3:x-amz-storage-class': one(H.amzStorageClass),
    // Encryption asked for by the request (policies requiring SSE test these, usually with Null).
    's3:x-amz-server-side-encryption': one('x-amz-server-side-encryption'),
    's3:x-amz-server-side-encryption-customer-algorithm': one('x-amz-server-side-encryption-customer-algorithm'),
    's3:x-amz-server-side-encryption-aws-kms-key-id': one('x-amz-server-side-encryption-aws-kms-key-id'),
  };
  if (auth && auth.method !== 'anonymous') {
    ctx['s3:signatureversion'] = auth.method.startsWith('v4') ? 'AWS4-HMAC-SHA256' : 'AWS';
    ctx['s3:authType'] = auth.method.endsWith('query') ? 'REST-QUERY-STRING' : 'REST-HEADER';
  }
  return ctx;
}

function sourceIp(req: IncomingMessage): string | undefined {
  const ip = req.socket?.remoteAddress;
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** Operations addressed to a specific version use the *Version* IAM actions, as S3 does. */
const VERSION_ACTIONS: Record<string, string> = {
  's3:GetObject': 's3:GetObjectVersion',
  's3:GetObjectAttributes': 's3:GetObjectVersionAttributes',
  's3:DeleteObject': 's3:DeleteObjectVersion',
  's3:GetObjectAcl': 's3:GetObjectVersionAcl',
  's3:PutObjectAcl': 's3:PutObjectVersionAcl',
  's3:GetObjectTagging': 's3:GetObjectVersionTagging',
  's3:PutObjectTagging': 's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging': 's3:DeleteObjectVersionTagging',
};

export function actionFor(action: string, query: URLSearchParams): string {
  return query.has('versionId') ? (VERSION_ACTIONS[action] ?? action) : action;
}
