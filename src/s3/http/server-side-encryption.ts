import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import type { CustomerKey, EncryptionRequest, KmsRequest, ObjectEncryption } from '../../encryption/encryption.types';
import { S3Error } from '../errors/s3-error';
import type { OperationName } from '../routing/operations';
import type { HeaderValues } from './s3-result';

export const SSE = {
  algorithm: 'x-amz-server-side-encryption',
  kmsKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  kmsContext: 'x-amz-server-side-encryption-context',
  bucketKeyEnabled: 'x-amz-server-side-encryption-bucket-key-enabled',
  customerAlgorithm: 'x-amz-server-side-encryption-customer-algorithm',
  customerKey: 'x-amz-server-side-encryption-customer-key',
  customerKeyMd5: 'x-amz-server-side-encryption-customer-key-md5',
} as const;

/** The prefix of the SSE-C headers of a request's own object, and of a copy source. */
export const CUSTOMER_KEY_PREFIX = 'x-amz-server-side-encryption-customer-';
export const COPY_SOURCE_CUSTOMER_KEY_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';
const SSE_PREFIXES = ['x-amz-server-side-encryption', 'x-amz-copy-source-server-side-encryption'];

/** Operations that take an encryption request (x-amz-server-side-encryption, SSE-C headers). */
const WRITES: ReadonlySet<OperationName> = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload']);
/** Operations that take the SSE-C key of their object. */
const CUSTOMER_KEY: ReadonlySet<OperationName> = new Set(['GetObject', 'HeadObject', 'UploadPart', 'UploadPartCopy', ...WRITES]);
/** Operations that take the SSE-C key of a copy source. */
const COPY_SOURCE_KEY: ReadonlySet<OperationName> = new Set(['CopyObject', 'UploadPartCopy']);

const get = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/**
 * Request-wide checks of the encryption headers, after authorization: each header only where
 * S3 takes it (else 400 InvalidArgument), and SSE-C keys only over HTTPS (S3: 400 InvalidRequest)
 * unless `allowHttp` (SSE_C_ALLOW_HTTP, for tests and TLS-terminating proxies that do not set
 * X-Forwarded-Proto).
 */
export function checkEncryptionHeaders(operation: OperationName, headers: IncomingHttpHeaders, secure: boolean, allowHttp: boolean): void {
  let customer = false;
  for (const name of Object.keys(headers)) {
    if (!SSE_PREFIXES.some((p) => name.startsWith(p))) continue;
    const copySource = name.startsWith(COPY_SOURCE_CUSTOMER_KEY_PREFIX);
    const ofCustomer = name.startsWith(CUSTOMER_KEY_PREFIX);
    const allowed = copySource ? COPY_SOURCE_KEY.has(operation) : ofCustomer ? CUSTOMER_KEY.has(operation) : WRITES.has(operation);
    if (!allowed) {
      throw new S3Error('InvalidArgument', {
        message: `${name} header is not supported for this operation.`,
        fields: { ArgumentName: name, ArgumentValue: get(headers, name) ?? '' },
      });
    }
    customer ||= copySource || ofCustomer;
  }
  if (customer && !secure && !allowHttp) {
    throw new S3Error('InvalidRequest', {
      message: 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
    });
  }
}

/** The SSE-C key of a request (its own object, or its copy source), checked as S3 checks it; undefined when absent. */
export function readCustomerKey(headers: IncomingHttpHeaders, prefix = CUSTOMER_KEY_PREFIX): CustomerKey | undefined {
  const algorithm = get(headers, `${prefix}algorithm`);
  const key = get(headers, `${prefix}key`);
  const md5 = get(headers, `${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  const invalid = (message: string, name: string, value = '') =>
    new S3Error('InvalidArgument', { message, fields: { ArgumentName: name, ArgumentValue: value } });
  if (algorithm === undefined) {
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
      `${prefix}algorithm`,
    );
  }
  if (algorithm !== 'AES256') {
    throw new S3Error('InvalidEncryptionAlgorithmError', { fields: { ArgumentName: `${prefix}algorithm`, ArgumentValue: algorithm } });
  }
  if (key === undefined) {
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
      `${prefix}key`,
    );
  }
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== key.trim()) {
    throw invalid('The secret key was invalid for the specified algorithm.', `${prefix}key`);
  }
  if (md5 === undefined) {
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
      `${prefix}key-MD5`,
    );
  }
  const computed = createHash('md5').update(raw).digest('base64');
  if (computed !== md5.trim()) {
    throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.', `${prefix}key-MD5`);
  }
  return { key: raw, keyMd5: computed };
}

/** The encryption a write asks for: x-amz-server-side-encryption, or SSE-C headers; undefined = none asked. */
export function readEncryptionRequest(headers: IncomingHttpHeaders): EncryptionRequest | undefined {
  const algorithm = get(headers, SSE.algorithm);
  const customer = readCustomerKey(headers);
  if (algorithm !== undefined && customer) {
    throw new S3Error('InvalidArgument', {
      message: 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
      fields: { ArgumentName: SSE.algorithm, ArgumentValue: algorithm },
    });
  }
  if (customer) return { mode: 'SSE-C', customer };
  if (algorithm === undefined) {
    for (const name of [SSE.kmsKeyId, SSE.kmsContext, SSE.bucketKeyEnabled]) {
      if (headers[name] !== undefined) {
        throw new S3Error('InvalidArgument', {
          message: `${name} is only valid with x-amz-server-side-encryption: aws:kms.`,
          fields: { ArgumentName: name, ArgumentValue: get(headers, name) ?? '' },
        });
      }
    }
    return undefined;
  }
  if (algorithm === 'AES256') {
    if (headers[SSE.kmsKeyId] !== undefined || headers[SSE.kmsContext] !== undefined) {
      throw new S3Error('InvalidArgument', {
        message: 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        fields: { ArgumentName: SSE.algorithm, ArgumentValue: algorithm },
      });
    }
    return { mode: 'AES256' };
  }
  if (algorithm === 'aws:kms') {
    const req: KmsRequest = { mode: 'aws:kms' };
    const keyId = get(headers, SSE.kmsKeyId)?.trim();
    if (keyId !== undefined) {
      if (keyId === '') throw new S3Error('KMS.NotFoundException', { message: "Invalid keyId ''" });
      req.keyId = keyId;
    }
    const context = get(headers, SSE.kmsContext);
    if (context !== undefined) req.context = readKmsContext(context);
    const bucketKey = get(headers, SSE.bucketKeyEnabled);
    if (bucketKey !== undefined) {
      if (!/^(true|false)$/i.test(bucketKey.trim())) {
        throw new S3Error('InvalidArgument', {
          message: 'The value of x-amz-server-side-encryption-bucket-key-enabled must be true or false.',
          fields: { ArgumentName: SSE.bucketKeyEnabled, ArgumentValue: bucketKey },
        });
      }
      req.bucketKeyEnabled = bucketKey.trim().toLowerCase() === 'true';
    }
    return req;
  }
  if (algorithm === 'aws:kms:dsse') {
    throw new S3Error('NotImplemented', { message: 'Dual-layer SSE-KMS (aws:kms:dsse) is not implemented; use aws:kms.' });
  }
  throw new S3Error('InvalidArgument', {
    message: 'The encryption method specified is not supported',
    fields: { ArgumentName: SSE.algorithm, ArgumentValue: algorithm },
  });
}

/**
 * x-amz-server-side-encryption-context: base64 of a JSON object whose values are strings (AWS);
 * returned as canonical JSON (keys sorted), the form bound to the data keys.
 */
export function readKmsContext(value: string): string {
  const invalid = () =>
    new S3Error('InvalidArgument', {
      message: 'The header x-amz-server-side-encryption-context must be base64-encoded UTF-8 JSON of string values.',
      fields: { ArgumentName: SSE.kmsContext, ArgumentValue: value },
    });
  const raw = Buffer.from(value.trim(), 'base64');
  if (raw.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) throw invalid();
  return JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** The encryption headers S3 answers for an object, part or upload encrypted as `enc`. */
export function encryptionResponseHeaders(enc: ObjectEncryption | null | undefined): HeaderValues {
  if (!enc) return {};
  if (enc.mode === 'AES256') return { [SSE.algorithm]: 'AES256' };
  if (enc.mode === 'aws:kms') {
    const h: HeaderValues = { [SSE.algorithm]: 'aws:kms', [SSE.kmsKeyId]: enc.kmsKeyArn };
    if (enc.kmsContext !== undefined) h[SSE.kmsContext] = Buffer.from(enc.kmsContext, 'utf8').toString('base64');
    if (enc.bucketKeyEnabled) h[SSE.bucketKeyEnabled] = 'true';
    return h;
  }
  return { [SSE.customerAlgorithm]: 'AES256', [SSE.customerKeyMd5]: enc.customerKeyMd5 };
}
