import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { EncryptStream } from '../storage/package-cipher';
import { CustomerKey, EncryptionRequest, ObjectEncryption } from './encryption.types';
import { DataKey, KEY_MANAGER, KeyManager } from './key-manager';
import { KMS_PROVIDER, KmsProvider } from './kms.service';
import { deriveKek, unwrapKey, wrapKey } from './local-key-manager';

/** The context SSE-S3 data keys are wrapped with. */
const SSE_S3_CONTEXT = 'sse-s3';
const SSE_C_CONTEXT = 'sse-c';
const SSE_C_PREFIX = 'c1.';

export const SSE_C_KEY_MISSING =
  'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.';
export const SSE_C_NOT_APPLICABLE = 'The encryption parameters are not applicable to this object.';

/**
 * Data keys of encrypted blobs: one fresh random key per blob (object, part), wrapped by the key
 * manager (SSE-S3) or by a key derived from the customer's key (SSE-C: the customer key is never
 * stored; a salted HMAC of it under a server secret verifies the key a request brings), or by a
 * KMS key (SSE-KMS: the encryption context bound to the wrapped key).
 */
@Injectable()
export class EncryptionService {
  constructor(
    @Inject(KEY_MANAGER) private readonly keys: KeyManager,
    /** Keys the HMAC that verifies SSE-C keys (derived from the master key). */
    @Inject('SSE_C_HMAC_SECRET') private readonly hmacSecret: Buffer,
    @Inject(KMS_PROVIDER) private readonly kms: KmsProvider,
  ) {}

  /** The stored description of a write's encryption (SSE-KMS: the key resolved, KMS.NotFoundException / DisabledException). */
  async describe(req: EncryptionRequest): Promise<ObjectEncryption> {
    if (req.mode === 'AES256') return { mode: 'AES256' };
    if (req.mode === 'aws:kms') {
      const kmsKeyId = await this.kms.resolveKey(req.keyId ?? null);
      const enc: ObjectEncryption = { mode: 'aws:kms', kmsKeyId, kmsKeyArn: this.kms.arn(kmsKeyId) };
      if (req.context !== undefined) enc.kmsContext = req.context;
      if (req.bucketKeyEnabled) enc.bucketKeyEnabled = true;
      return enc;
    }
    const salt = randomBytes(16);
    return {
      mode: 'SSE-C',
      customerKeyMd5: req.customer.keyMd5,
      customerKeyHmac: `${salt.toString('base64')}:${this.hmac(salt, req.customer.key)}`,
    };
  }

  /** A fresh data key for one blob of an object encrypted as `enc`. */
  async newDataKey(enc: ObjectEncryption, customer?: CustomerKey): Promise<DataKey> {
    if (enc.mode === 'AES256') return this.keys.generateDataKey(null, SSE_S3_CONTEXT);
    if (enc.mode === 'aws:kms') return this.kms.generateDataKey(enc.kmsKeyId!, enc.kmsContext ?? '');
    const plaintext = randomBytes(32);
    return {
      plaintext,
      wrapped: SSE_C_PREFIX + wrapKey(deriveKek(this.requireCustomerKey(enc, customer).key, 'sse-c').kek, plaintext, SSE_C_CONTEXT),
    };
  }

  /** The data key of a blob (its wrapped key `wrapped`), unwrapped. */
  async dataKey(wrapped: string, enc: ObjectEncryption, customer?: CustomerKey): Promise<Buffer> {
    if (enc.mode === 'AES256') return this.keys.decryptDataKey(wrapped, SSE_S3_CONTEXT);
    if (enc.mode === 'aws:kms') return this.kms.decryptDataKey(wrapped, enc.kmsContext ?? '');
    const kek = deriveKek(this.requireCustomerKey(enc, customer).key, 'sse-c').kek;
    return unwrapKey(kek, wrapped.slice(SSE_C_PREFIX.length), SSE_C_CONTEXT);
  }

  /** A data key wrapped for one object re-wrapped for another (CopyObject between modes or keys): no byte is rewritten. */
  async rewrap(
    wrapped: string,
    from: ObjectEncryption,
    fromKey: CustomerKey | undefined,
    to: ObjectEncryption,
    toKey: CustomerKey | undefined,
  ): Promise<string> {
    const key = await this.dataKey(wrapped, from, fromKey);
    if (to.mode === 'AES256') {
      if (from.mode === 'AES256') return this.keys.rewrap(wrapped, SSE_S3_CONTEXT);
      return this.keys.wrapDataKey(null, key, SSE_S3_CONTEXT);
    }
    if (to.mode === 'aws:kms') return this.kms.wrapDataKey(to.kmsKeyId!, key, to.kmsContext ?? '');
    return SSE_C_PREFIX + wrapKey(deriveKek(this.requireCustomerKey(to, toKey).key, 'sse-c').kek, key, SSE_C_CONTEXT);
  }

  /** SSE-S3 master-key rotation: the wrapped key under the current master key. */
  rewrapS3(wrapped: string): Promise<string> {
    return this.keys.rewrap(wrapped, SSE_S3_CONTEXT);
  }

  encryptStream(key: Buffer): EncryptStream {
    return new EncryptStream(key);
  }

  /**
   * Checks the SSE-C key a request brings against a stored object or upload, as S3 answers:
   * SSE-C object without a key → 400 InvalidRequest; a key for an object that has none → 400
   * InvalidRequest; a wrong key → 403 AccessDenied.
   */
  checkCustomerKey(enc: ObjectEncryption | null, customer: CustomerKey | undefined): void {
    if (!enc || enc.mode !== 'SSE-C') {
      if (customer) throw new DomainError('InvalidRequest', SSE_C_NOT_APPLICABLE);
      return;
    }
    this.requireCustomerKey(enc, customer);
  }

  /** Whether objects and parts encrypted as `enc` get a non-MD5 ETag (SSE-C and SSE-KMS, as S3). */
  hasOpaqueEtag(enc: ObjectEncryption | null | undefined): boolean {
    return enc?.mode === 'SSE-C' || enc?.mode === 'aws:kms';
  }

  /** A non-MD5 ETag (SSE-C and SSE-KMS objects and parts, as S3: the ETag must not reveal the plaintext's MD5). */
  opaqueEtag(): string {
    return createHash('md5').update(randomBytes(32)).digest('hex');
  }

  private requireCustomerKey(enc: ObjectEncryption, customer: CustomerKey | undefined): CustomerKey {
    if (!customer) throw new DomainError('InvalidRequest', SSE_C_KEY_MISSING);
    const [salt, mac] = (enc.customerKeyHmac ?? '').split(':');
    const computed = Buffer.from(this.hmac(Buffer.from(salt ?? '', 'base64'), customer.key), 'base64');
    const stored = Buffer.from(mac ?? '', 'base64');
    if (stored.length !== computed.length || !timingSafeEqual(stored, computed)) throw new DomainError('AccessDenied');
    return customer;
  }

  private hmac(salt: Buffer, key: Buffer): string {
    return createHmac('sha256', this.hmacSecret).update(salt).update(key).digest('base64');
  }
}
