import { createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors/s3-error';
import { deriveSigningKey } from './sigv4/signing-key';

/**
 * Browser form uploads (PostObject): the POST policy document and its signature, as S3 defines
 * them. Pure: the handler gives the form fields (names lower-cased) and the secret of the key they
 * name.
 */

/** A condition of the policy, normalized: `eq` / `starts-with` on a field, or the size range. */
export type PolicyCondition =
  { op: 'eq' | 'starts-with'; field: string; value: string } | { op: 'content-length-range'; min: number; max: number };

export interface PostPolicy {
  expiration: Date;
  conditions: PolicyCondition[];
}

/** Form fields never named by a condition (S3: signature, file, policy, x-ignore-*; V2 also AWSAccessKeyId). */
const EXEMPT = new Set(['x-amz-signature', 'signature', 'file', 'policy', 'awsaccesskeyid']);

const policyError = (message: string) => new S3Error('AccessDenied', { message: `Invalid according to Policy: ${message}` });

/** The credentials a form names: SigV4 (x-amz-credential …) or V2 (AWSAccessKeyId + signature); null = anonymous. */
export type FormCredentials =
  | { version: 'v4'; accessKeyId: string; date: string; region: string; service: string; signature: string; policy: string }
  | { version: 'v2'; accessKeyId: string; signature: string; policy: string };

export function formCredentials(fields: ReadonlyMap<string, string>): FormCredentials | null {
  const policy = fields.get('policy');
  const v4sig = fields.get('x-amz-signature');
  const v2sig = fields.get('signature');
  if (v4sig !== undefined || fields.has('x-amz-credential') || fields.has('x-amz-algorithm')) {
    const algorithm = fields.get('x-amz-algorithm');
    const credential = fields.get('x-amz-credential');
    if (algorithm !== 'AWS4-HMAC-SHA256') {
      throw new S3Error('InvalidArgument', { message: 'Unsupported algorithm (x-amz-algorithm must be AWS4-HMAC-SHA256)' });
    }
    if (!credential || v4sig === undefined || policy === undefined || !fields.has('x-amz-date')) {
      throw new S3Error('InvalidArgument', {
        message: 'Bucket POST must contain x-amz-credential, x-amz-date, x-amz-signature and policy fields',
      });
    }
    const parts = credential.split('/');
    if (parts.length !== 5 || parts[4] !== 'aws4_request') {
      throw new S3Error('AuthorizationQueryParametersError', { message: `Error parsing the X-Amz-Credential parameter: ${credential}` });
    }
    return { version: 'v4', accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3], signature: v4sig, policy };
  }
  if (v2sig !== undefined || fields.has('awsaccesskeyid')) {
    const accessKeyId = fields.get('awsaccesskeyid');
    if (!accessKeyId || v2sig === undefined || policy === undefined) {
      throw new S3Error('InvalidArgument', { message: 'Bucket POST must contain AWSAccessKeyId, signature and policy fields' });
    }
    return { version: 'v2', accessKeyId, signature: v2sig, policy };
  }
  if (policy !== undefined) throw new S3Error('InvalidArgument', { message: 'Bucket POST with a policy must be signed' });
  return null;
}

/** Checks the signature of the policy (base64 text as sent) with the key's secret; SignatureDoesNotMatch otherwise. */
export function verifyPolicySignature(c: FormCredentials, secretKey: string, expectedRegion: string): void {
  let expected: Buffer;
  let given: Buffer;
  if (c.version === 'v4') {
    if (c.region !== expectedRegion || c.service !== 's3') {
      throw new S3Error('AuthorizationQueryParametersError', {
        message: `Error parsing the X-Amz-Credential parameter; the region '${c.region}' is wrong; expecting '${expectedRegion}'`,
      });
    }
    expected = createHmac('sha256', deriveSigningKey(secretKey, c.date, c.region, c.service))
      .update(c.policy, 'utf8')
      .digest();
    given = Buffer.from(c.signature, 'hex');
  } else {
    expected = createHmac('sha1', secretKey).update(c.policy, 'utf8').digest();
    given = Buffer.from(c.signature, 'base64');
  }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new S3Error('SignatureDoesNotMatch');
}

/** Decodes and validates the policy document (base64 JSON); InvalidPolicyDocument when it is not one. */
export function parsePostPolicy(base64: string): PostPolicy {
  let doc: { expiration?: unknown; conditions?: unknown };
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw new S3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Invalid JSON.' });
  }
  if (typeof doc?.expiration !== 'string' || Number.isNaN(Date.parse(doc.expiration))) {
    throw new S3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Policy missing expiration.' });
  }
  if (!Array.isArray(doc.conditions)) throw new S3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Policy missing conditions.' });
  const conditions: PolicyCondition[] = [];
  for (const c of doc.conditions as unknown[]) {
    if (Array.isArray(c)) {
      const [op, a, b] = c as unknown[];
      const name = typeof op === 'string' ? op.toLowerCase() : '';
      if (name === 'content-length-range') {
        const min = Number(a);
        const max = Number(b);
        if (c.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          throw new S3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Invalid content-length-range condition.' });
        }
        conditions.push({ op: 'content-length-range', min, max });
      } else if (
        (name === 'eq' || name === 'starts-with') &&
        c.length === 3 &&
        typeof a === 'string' &&
        a.startsWith('$') &&
        typeof b === 'string'
      ) {
        conditions.push({ op: name, field: a.slice(1).toLowerCase(), value: b });
      } else {
        throw new S3Error('InvalidPolicyDocument', { message: `Invalid Policy: Invalid condition: ${JSON.stringify(c)}.` });
      }
    } else if (c && typeof c === 'object' && Object.keys(c).length === 1) {
      const [[field, value]] = Object.entries(c as Record<string, unknown>);
      if (typeof value !== 'string')
        throw new S3Error('InvalidPolicyDocument', { message: `Invalid Policy: Invalid condition: ${JSON.stringify(c)}.` });
      conditions.push({ op: 'eq', field: field.toLowerCase(), value });
    } else {
      throw new S3Error('InvalidPolicyDocument', { message: `Invalid Policy: Invalid condition: ${JSON.stringify(c)}.` });
    }
  }
  return { expiration: new Date(doc.expiration), conditions };
}

/**
 * Checks the form against the policy: not expired, every condition holds (`bucket` is the
 * request's bucket, `key` the key after `${filename}`), and every form field is named by a
 * condition. Returns the content-length-range, if any (checked while the file streams).
 */
export function checkPostPolicy(
  policy: PostPolicy,
  fields: ReadonlyMap<string, string>,
  bucket: string,
  now: Date,
): { min: number; max: number } | undefined {
  if (policy.expiration.getTime() <= now.getTime()) throw policyError('Policy expired.');
  let range: { min: number; max: number } | undefined;
  const covered = new Set<string>();
  for (const c of policy.conditions) {
    if (c.op === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    covered.add(c.field);
    const value = c.field === 'bucket' ? bucket : (fields.get(c.field) ?? '');
    const ok =
      c.op === 'eq'
        ? value === c.value
        : c.field === 'content-type'
          ? value.split(',').every((v) => v.trim().startsWith(c.value))
          : value.startsWith(c.value);
    if (!ok) throw policyError(`Policy Condition failed: ["${c.op}", "$${c.field}", "${c.value}"]`);
  }
  for (const name of fields.keys()) {
    if (EXEMPT.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
    throw policyError(`Extra input fields: ${name}`);
  }
  return range;
}
