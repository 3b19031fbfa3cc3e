import { Inject, Injectable } from '@nestjs/common';
import { IsNull, MoreThan, Not } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { BucketConfigEntity } from '../buckets/entities/bucket-config.entity';
import { AccessKeyEntity } from '../iam/entities/access-key.entity';
import { UserEntity } from '../iam/entities/user.entity';
import { masterSecretBox, resolveMasterKey } from '../iam/master-key';
import { SecretBox } from '../iam/secret-box';
import { IdentityProviderEntity } from '../idp/entities/identity-provider.entity';
import { MultipartUploadEntity } from '../multipart/entities/multipart-upload.entity';
import { UploadPartEntity } from '../multipart/entities/upload-part.entity';
import { ManifestEntry, ObjectEntity } from '../objects/entities/object.entity';
import { EncryptionService } from './encryption.service';
import { KmsService } from './kms.service';
import { loadServerSecret, PERSISTED_SECRETS, secretsKeyring, storeServerSecret } from './server-secrets';

/** What a master-key rotation changed. */
export interface RotationReport {
  objectVersions: number;
  dataKeys: number;
  uploadParts: number;
  kmsKeys: number;
  secrets: number;
  serverSecrets: number;
}

const BATCH = 500;

/**
 * Master-key rotation (`npm run admin -- master-key rotate`), run with MASTER_KEY = the new key and
 * MASTER_KEY_PREVIOUS = the old one(s), the first being the key in use until now. Re-wraps under
 * the new key, without rewriting any object's bytes: the data keys of SSE-S3 objects and upload
 * parts, the material of the KMS keys (SSE-KMS data keys are wrapped by KMS keys and stay as
 * they are), the secrets sealed at rest (access-key secrets, TOTP secrets, identity-provider and
 * replication credentials), and the server secrets derived from the old key (the SSE-C HMAC
 * secret) are stored wrapped. Idempotent: a run cut short is run again. Afterwards the server
 * starts with MASTER_KEY alone.
 */
@Injectable()
export class MasterKeyRotationService {
  private readonly box: SecretBox;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly encryption: EncryptionService,
    private readonly kms: KmsService,
  ) {
    this.box = masterSecretBox(config);
  }

  async rotate(): Promise<RotationReport> {
    const previous = this.config.previousMasterKeys ?? [];
    if (!this.config.masterKey || previous.length === 0) {
      throw new Error('set MASTER_KEY to the new key and MASTER_KEY_PREVIOUS to the key in use until now');
    }
    const report: RotationReport = { objectVersions: 0, dataKeys: 0, uploadParts: 0, kmsKeys: 0, secrets: 0, serverSecrets: 0 };
    // Server secrets first: the value in use (stored, or derived from the old key) kept under the new key.
    const keyring = secretsKeyring(resolveMasterKey(this.config), previous);
    for (const name of PERSISTED_SECRETS) {
      await storeServerSecret(this.db, keyring, name, await loadServerSecret(this.db, keyring, name, previous[0]));
      report.serverSecrets++;
    }
    report.kmsKeys = await this.kms.rewrapAll();
    await this.rotateObjects(report);
    await this.rotateParts(report);
    await this.rotateSecrets(report);
    return report;
  }

  private async rotateObjects(report: RotationReport): Promise<void> {
    let after = '';
    for (;;) {
      const rows = await this.db
        .repo(ObjectEntity)
        .find({ select: ['id', 'sse', 'manifest'], where: { id: MoreThan(after), sse: Not(IsNull()) }, order: { id: 'ASC' }, take: BATCH });
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      for (const row of rows) {
        if (row.sse?.mode !== 'AES256') continue;
        let changed = 0;
        const manifest: ManifestEntry[] = [];
        for (const e of row.manifest) {
          const k = e.k ? await this.encryption.rewrapS3(e.k) : undefined;
          if (k !== e.k) changed++;
          manifest.push(k ? { ...e, k } : e);
        }
        if (changed === 0) continue;
        await this.db.tx((m) => m.update(ObjectEntity, { id: row.id }, { manifest }));
        report.objectVersions++;
        report.dataKeys += changed;
      }
    }
  }

  private async rotateParts(report: RotationReport): Promise<void> {
    const uploads = await this.db.repo(MultipartUploadEntity).find({ select: ['uploadId', 'sse'], where: { sse: Not(IsNull()) } });
    for (const u of uploads) {
      if (u.sse?.mode !== 'AES256') continue;
      for (const p of await this.db.repo(UploadPartEntity).find({ where: { uploadId: u.uploadId } })) {
        if (!p.dataKey) continue;
        const dataKey = await this.encryption.rewrapS3(p.dataKey);
        if (dataKey === p.dataKey) continue;
        await this.db.tx((m) => m.update(UploadPartEntity, { uploadId: p.uploadId, partNumber: p.partNumber }, { dataKey }));
        report.uploadParts++;
      }
    }
  }

  private async rotateSecrets(report: RotationReport): Promise<void> {
    for (const k of await this.db.repo(AccessKeyEntity).find()) {
      const secretEnc = this.box.reseal(k.secretEnc);
      await this.db.tx((m) => m.update(AccessKeyEntity, { accessKeyId: k.accessKeyId }, { secretEnc }));
      report.secrets++;
    }
    for (const u of await this.db.repo(UserEntity).find({ where: { totpSecretEnc: Not(IsNull()) } })) {
      const totpSecretEnc = this.box.reseal(u.totpSecretEnc!);
      await this.db.tx((m) => m.update(UserEntity, { id: u.id }, { totpSecretEnc }));
      report.secrets++;
    }
    for (const p of await this.db.repo(IdentityProviderEntity).find({ where: { secretEnc: Not(IsNull()) } })) {
      const secretEnc = this.box.reseal(p.secretEnc!);
      await this.db.tx((m) => m.update(IdentityProviderEntity, { id: p.id }, { secretEnc }));
      report.secrets++;
    }
    for (const c of await this.db.repo(BucketConfigEntity).find({ where: { kind: 'replication' } })) {
      let count = 0;
      const document = resealNamed(c.document, 'secretKeySealed', (s) => {
        count++;
        return this.box.reseal(s);
      }) as object;
      if (count === 0) continue;
      await this.db.tx((m) => m.update(BucketConfigEntity, { bucketId: c.bucketId, kind: c.kind }, { document }));
      report.secrets += count;
    }
  }
}

/** `doc` with every string property called `name` (at any depth) replaced by `fn(value)`. */
function resealNamed(doc: unknown, name: string, fn: (sealed: string) => string): unknown {
  if (Array.isArray(doc)) return doc.map((d) => resealNamed(d, name, fn));
  if (doc === null || typeof doc !== 'object') return doc;
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [k, k === name && typeof v === 'string' ? fn(v) : resealNamed(v, name, fn)]),
  );
}
