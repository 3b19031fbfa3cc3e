import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { resolveMasterKey } from '../iam/master-key';
import { KmsKeyEntity, KmsKeyVersion } from './entities/kms-key.entity';
import { DataKey } from './key-manager';
import { LocalKeyManager, unwrapKey, wrapKey } from './local-key-manager';

/** The account in the ARN of a built-in KMS key: `arn:aws:kms:<region>:000000000000:key/<id>`. */
export const KMS_ACCOUNT = '000000000000';
/** The alias of the default key, created on first use (AWS: the managed key `alias/aws/s3`). */
export const DEFAULT_KEY_ALIAS = 'aws/s3';
const WRAP_VERSION = 'kms1';
/** How long a key's state (enabled, versions) is cached: the admin CLI or another node may change it. */
const CACHE_MS = 5000;

/**
 * The seam of SSE-KMS. The built-in key manager (`KmsService`) implements it with keys stored in
 * the database, their material wrapped by the master key; an external KMS (e.g. HashiCorp Vault
 * Transit: `transit/datakey/plaintext/<key>`, `transit/decrypt/<key>`, the context as its
 * `context`) implements the same four calls and is provided under KMS_PROVIDER instead.
 * A wrapped data key must name its KMS key (and version) so that `decryptDataKey` needs nothing else.
 */
export interface KmsProvider {
  /** The id of the key a request names (id, key ARN, `alias/<name>`, alias ARN; null = the default key). Throws KmsKeyNotFound / KmsKeyDisabled. */
  resolveKey(ref: string | null): Promise<string>;
  /** A fresh data key, wrapped under the current version of `keyId`, bound to `context`. */
  generateDataKey(keyId: string, context: string): Promise<DataKey>;
  /** An existing data key wrapped under `keyId` (CopyObject into SSE-KMS keeps the blob's data key). */
  wrapDataKey(keyId: string, key: Buffer, context: string): Promise<string>;
  /** The data key of `wrapped`; KmsKeyDisabled while its key is disabled; throws when the context differs. */
  decryptDataKey(wrapped: string, context: string): Promise<Buffer>;
  /** The ARN of a key (response headers). */
  arn(keyId: string): string;
}

export const KMS_PROVIDER = Symbol('KMS_PROVIDER');

/** A KMS key as the console, the CLI and DescribeKey show it. */
export interface KmsKeyView {
  keyId: string;
  arn: string;
  alias: string | null;
  description: string | null;
  enabled: boolean;
  keyState: 'Enabled' | 'Disabled';
  isDefault: boolean;
  createdAt: Date;
  rotatedAt: Date | null;
  /** Number of material versions (1 + rotations). */
  versions: number;
}

interface CachedKey {
  enabled: boolean;
  current: number;
  material: Map<number, Buffer>;
  loadedAt: number;
}

const ALIAS_RE = /^[a-zA-Z0-9/_-]{1,250}$/;

/**
 * The built-in key manager of SSE-KMS: named keys (create, list, describe, rotate, enable/disable,
 * default), each a list of 32-byte material versions wrapped by the master key. Data keys are
 * wrapped with AES-256-GCM under the current version, the encryption context bound as additional
 * data: `kms1.<key id>.<version>.<base64>`. Rotation adds a version; data keys wrapped under older
 * versions keep decrypting (as AWS KMS automatic rotation).
 */
@Injectable()
export class KmsService implements KmsProvider {
  private readonly master: LocalKeyManager;
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.master = new LocalKeyManager(resolveMasterKey(config), config.previousMasterKeys ?? [], 'kms-keys');
  }

  arn(keyId: string): string {
    return `arn:aws:kms:${this.config.region}:${KMS_ACCOUNT}:key/${keyId}`;
  }

  async create(input: { alias?: string | null; description?: string | null; isDefault?: boolean }): Promise<KmsKeyView> {
    const alias = input.alias ? normalizeAlias(input.alias) : null;
    const id = this.ids.uuid();
    const now = this.clock.now().getTime();
    const row = Object.assign(new KmsKeyEntity(), {
      id,
      alias,
      description: input.description ?? null,
      enabled: true,
      isDefault: false,
      createdAt: now,
      rotatedAt: null,
      material: [await this.newVersion(id, 1, now)],
    });
    await this.db.tx(async (m) => {
      if (alias && (await m.findOne(KmsKeyEntity, { where: { alias } }))) {
        throw new DomainError('KmsKeyAlreadyExists', `a KMS key with alias ${alias} already exists`);
      }
      await m.insert(KmsKeyEntity, row);
      if (input.isDefault) await this.makeDefault(m, id);
    });
    return this.describe(id);
  }

  async list(): Promise<KmsKeyView[]> {
    const rows = await this.db.repo(KmsKeyEntity).find({ order: { createdAt: 'ASC' } });
    return rows.map((r) => this.view(r));
  }

  async describe(ref: string): Promise<KmsKeyView> {
    return this.view(await this.row(ref));
  }

  /** A new version of the key's material: new data keys use it, old ones still decrypt. */
  async rotate(ref: string): Promise<KmsKeyView> {
    const id = (await this.row(ref)).id;
    await this.db.tx(async (m) => {
      const row = await m.findOneOrFail(KmsKeyEntity, { where: { id } });
      const now = this.clock.now().getTime();
      const next = Math.max(...row.material.map((v) => v.v)) + 1;
      await m.update(KmsKeyEntity, { id }, { material: [...row.material, await this.newVersion(id, next, now)], rotatedAt: now });
    });
    this.cache.delete(id);
    return this.describe(id);
  }

  async setEnabled(ref: string, enabled: boolean): Promise<KmsKeyView> {
    const id = (await this.row(ref)).id;
    await this.db.tx((m) => m.update(KmsKeyEntity, { id }, { enabled }));
    this.cache.delete(id);
    return this.describe(id);
  }

  async setDefault(ref: string): Promise<KmsKeyView> {
    const id = (await this.row(ref)).id;
    await this.db.tx((m) => this.makeDefault(m, id));
    return this.describe(id);
  }

  async resolveKey(ref: string | null): Promise<string> {
    if (ref === null) return this.defaultKeyId();
    const row = await this.row(ref, 'KmsKeyNotFound');
    if (!row.enabled) throw this.disabled(row.id);
    return row.id;
  }

  async generateDataKey(keyId: string, context: string): Promise<DataKey> {
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: await this.wrapDataKey(keyId, plaintext, context) };
  }

  async wrapDataKey(keyId: string, key: Buffer, context: string): Promise<string> {
    const k = await this.usable(keyId);
    const material = k.material.get(k.current)!;
    return `${WRAP_VERSION}.${keyId}.${k.current}.${wrapKey(material, key, aad(keyId, context))}`;
  }

  async decryptDataKey(wrapped: string, context: string): Promise<Buffer> {
    const [version, keyId, v, body] = wrapped.split('.', 4);
    if (version !== WRAP_VERSION || !keyId || !body) throw new Error('not a data key wrapped by the built-in KMS');
    const material = (await this.usable(keyId)).material.get(Number(v));
    if (!material) throw new Error(`KMS key ${keyId} has no version ${v}`);
    return unwrapKey(material, body, aad(keyId, context));
  }

  /**
   * Master-key rotation: every version of every key re-wrapped under the current master key
   * (MASTER_KEY), unwrapped with it or a previous one (MASTER_KEY_PREVIOUS). Returns how many keys changed.
   */
  async rewrapAll(): Promise<number> {
    let changed = 0;
    for (const row of await this.db.repo(KmsKeyEntity).find()) {
      const material: KmsKeyVersion[] = [];
      for (const ver of row.material) material.push({ ...ver, k: await this.master.rewrap(ver.k, materialContext(row.id, ver.v)) });
      if (material.some((ver, i) => ver.k !== row.material[i].k)) {
        await this.db.tx((m) => m.update(KmsKeyEntity, { id: row.id }, { material }));
        changed++;
      }
    }
    this.cache.clear();
    return changed;
  }

  private async defaultKeyId(): Promise<string> {
    const found = await this.db.repo(KmsKeyEntity).findOne({ where: { isDefault: true } });
    if (found) {
      if (!found.enabled) throw this.disabled(found.id);
      return found.id;
    }
    try {
      return (await this.create({ alias: DEFAULT_KEY_ALIAS, description: 'Default key of SSE-KMS', isDefault: true })).keyId;
    } catch (err) {
      // Another request created it first.
      if (err instanceof DomainError && err.code === 'KmsKeyAlreadyExists') return this.resolveKey(`alias/${DEFAULT_KEY_ALIAS}`);
      throw err;
    }
  }

  private async makeDefault(m: EntityManager, id: string): Promise<void> {
    await m.update(KmsKeyEntity, { isDefault: true }, { isDefault: false });
    await m.update(KmsKeyEntity, { id }, { isDefault: true });
  }

  private async newVersion(keyId: string, v: number, now: number): Promise<KmsKeyVersion> {
    return { v, k: await this.master.wrapDataKey(null, randomBytes(32), materialContext(keyId, v)), t: now };
  }

  /** The key with its material unwrapped (cached a few seconds); KmsKeyDisabled while disabled. */
  private async usable(keyId: string): Promise<CachedKey> {
    let k = this.cache.get(keyId);
    if (!k || Date.now() - k.loadedAt > CACHE_MS) {
      const row = await this.db.repo(KmsKeyEntity).findOne({ where: { id: keyId } });
      if (!row) throw new DomainError('KmsKeyNotFound', `Invalid keyId '${keyId}'`);
      const material = new Map<number, Buffer>();
      for (const ver of row.material) material.set(ver.v, await this.master.decryptDataKey(ver.k, materialContext(row.id, ver.v)));
      k = { enabled: row.enabled, current: Math.max(...material.keys()), material, loadedAt: Date.now() };
      this.cache.set(keyId, k);
    }
    if (!k.enabled) throw this.disabled(keyId);
    return k;
  }

  private disabled(keyId: string): DomainError {
    return new DomainError('KmsKeyDisabled', `${this.arn(keyId)} is disabled.`);
  }

  /** A key by id, key ARN, `alias/<name>`, alias ARN or bare alias name. */
  private async row(ref: string, code: 'KmsKeyNotFound' = 'KmsKeyNotFound'): Promise<KmsKeyEntity> {
    const r = ref.trim();
    const arn = /^arn:aws:kms:[^:]*:[^:]*:(key|alias)\/(.+)$/.exec(r);
    const repo = this.db.repo(KmsKeyEntity);
    let row: KmsKeyEntity | null = null;
    if (arn?.[1] === 'key') row = await repo.findOne({ where: { id: arn[2] } });
    else if (arn?.[1] === 'alias') row = await repo.findOne({ where: { alias: arn[2] } });
    else if (r.startsWith('alias/')) row = await repo.findOne({ where: { alias: r.slice('alias/'.length) } });
    else if (r.length > 0) row = (await repo.findOne({ where: { id: r } })) ?? (await repo.findOne({ where: { alias: r } }));
    if (!row) throw new DomainError(code, `Invalid keyId '${ref}'`);
    return row;
  }

  private view(r: KmsKeyEntity): KmsKeyView {
    return {
      keyId: r.id,
      arn: this.arn(r.id),
      alias: r.alias,
      description: r.description,
      enabled: r.enabled,
      keyState: r.enabled ? 'Enabled' : 'Disabled',
      isDefault: r.isDefault,
      createdAt: new Date(r.createdAt),
      rotatedAt: r.rotatedAt === null ? null : new Date(r.rotatedAt),
      versions: r.material.length,
    };
  }
}

function normalizeAlias(alias: string): string {
  const a = alias.startsWith('alias/') ? alias.slice('alias/'.length) : alias;
  if (!ALIAS_RE.test(a)) throw new DomainError('InvalidArgument', 'an alias is 1-250 characters of letters, digits, / _ -');
  return a;
}

function materialContext(keyId: string, v: number): string {
  return `kms-key:${keyId}:${v}`;
}

function aad(keyId: string, context: string): string {
  return `sse-kms:${keyId}:${context}`;
}
