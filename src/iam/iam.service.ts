import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ALL_ENTRIES, CacheInvalidation } from '../common/cache-invalidation';
import { Clock } from '../common/clock';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { AccessKeyEntity } from './entities/access-key.entity';
import { UserEntity } from './entities/user.entity';
import { UserPolicyEntity } from './entities/user-policy.entity';
import { TenantEntity } from '../tenants/entities/tenant.entity';
import { parsePolicy } from './policy/parse-policy';
import type { PolicyDocument } from './policy/policy.types';
import { masterSecretBox } from './master-key';
import { Principal } from './principal';
import type { AclGrant, RequestedGrant } from './acl/acl';
import { DomainError } from '../common/domain-error';
import { SecretBox } from './secret-box';

export const ROOT_USERNAME = 'root';

/** What the S3 authenticator needs for one access key. */
export interface ResolvedAccessKey {
  accessKeyId: string;
  secretKey: string;
  principal: Principal;
  /** The user's inline identity policies, parsed. */
  policies: PolicyDocument[];
}

/** Root credentials as known after boot; `secretKey` only when generated on this boot (print it once). */
export interface RootCredentials {
  accessKey: string;
  generatedSecretKey?: string;
}

/**
 * Cache entries live this long. A change made through this node drops the entry here at once and,
 * in a cluster, on every other node (CacheInvalidation); the lifetime bounds what a lost
 * invalidation can cost.
 */
const KEY_CACHE_TTL_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps the distribution uniform for any alphabet size.
  const out: string[] = [];
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out.push(alphabet[b % alphabet.length]);
    }
  }
  return out.join('');
}

/** AWS-shaped credentials from a CSPRNG: a 20-character key id and a 40-character secret. */
export function generateAccessKeyPair(): { accessKeyId: string; secretKey: string } {
  return { accessKeyId: 'AK' + randomString(ALNUM_UPPER, 18), secretKey: randomString(SECRET_CHARS, 40) };
}

/** The last-used time of a key is written at most this often (not on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class IamService {
  private readonly logger = new Logger(IamService.name);
  private readonly box: SecretBox;
  private readonly keyCache = new Map<string, { value: ResolvedAccessKey | null; expires: number }>();
  private root?: RootCredentials;
  private readonly owners = new Map<string, { id: string; displayName: string }>();
  /** Bumped by every drop: a lookup that started before a drop does not cache what it read. */
  private keyGeneration = 0;
  /** Lookups in flight by key id: the requests that miss the cache together share one (no herd at expiry). */
  private readonly keyLookups = new Map<string, Promise<ResolvedAccessKey | null>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Optional() private readonly invalidation?: CacheInvalidation,
  ) {
    this.box = masterSecretBox(config);
    this.invalidation?.on('access-key', (id) => this.dropKey(id));
  }

  /** Creates or updates the root user and its key; called once at server boot. */
  async bootstrapRoot(): Promise<RootCredentials> {
    this.root = await this.ensureRoot();
    return this.root;
  }

  /** Encrypts a secret for storage. */
  seal(secret: string): string {
    return this.box.seal(secret);
  }

  rootCredentials(): RootCredentials {
    if (!this.root) throw new Error('IamService not initialized');
    return this.root;
  }

  /** Creates the root user on first boot; applies ROOT_ACCESS_KEY/ROOT_SECRET_KEY when set. */
  private async ensureRoot(): Promise<RootCredentials> {
    return this.db.tx(async (m) => {
      let root = await m.findOneBy(UserEntity, { username: ROOT_USERNAME });
      if (!root) {
        root = m.create(UserEntity, {
          id: this.ids.uuid(),
          username: ROOT_USERNAME,
          role: 'admin',
          status: 'active',
          createdAt: this.clock.now().getTime(),
        });
        await m.save(root);
      }
      const { rootAccessKey, rootSecretKey } = this.config;
      if (rootAccessKey && rootSecretKey) {
        const existing = await m.findOneBy(AccessKeyEntity, { accessKeyId: rootAccessKey });
        if (existing && existing.userId !== root.id) {
          throw new Error(`ROOT_ACCESS_KEY ${rootAccessKey} already belongs to another user`);
        }
        await m.save(
          m.create(AccessKeyEntity, {
            accessKeyId: rootAccessKey,
            userId: root.id,
            secretEnc: this.box.seal(rootSecretKey),
            status: 'active',
            createdAt: existing?.createdAt ?? this.clock.now().getTime(),
            lastUsedAt: existing?.lastUsedAt ?? null,
          }),
        );
        return { accessKey: rootAccessKey };
      }
      const keys = await m.find(AccessKeyEntity, { where: { userId: root.id }, order: { createdAt: 'ASC' } });
      if (keys.length > 0) return { accessKey: keys[0].accessKeyId };
      const pair = generateAccessKeyPair();
      await m.save(
        m.create(AccessKeyEntity, {
          accessKeyId: pair.accessKeyId,
          userId: root.id,
          secretEnc: this.box.seal(pair.secretKey),
          status: 'active',
          createdAt: this.clock.now().getTime(),
          lastUsedAt: null,
        }),
      );
      return { accessKey: pair.accessKeyId, generatedSecretKey: pair.secretKey };
    });
  }

  /** The secret and principal of an active key of an active user, or null. Cached for a few seconds. */
  async findAccessKey(accessKeyId: string): Promise<ResolvedAccessKey | null> {
    const hit = this.keyCache.get(accessKeyId);
    if (hit && hit.expires > Date.now()) return hit.value;
    let lookup = this.keyLookups.get(accessKeyId);
    if (!lookup) {
      lookup = this.lookUpAccessKey(accessKeyId).finally(() => {
        if (this.keyLookups.get(accessKeyId) === lookup) this.keyLookups.delete(accessKeyId);
      });
      this.keyLookups.set(accessKeyId, lookup);
    }
    return lookup;
  }

  /** Drops a key's cache entry and lookup in flight (ALL_ENTRIES: every key's) on this node. */
  private dropKey(accessKeyId: string): void {
    this.keyGeneration++;
    if (accessKeyId === ALL_ENTRIES) {
      this.keyCache.clear();
      this.keyLookups.clear();
    } else {
      this.keyCache.delete(accessKeyId);
      this.keyLookups.delete(accessKeyId);
    }
  }

  private async lookUpAccessKey(accessKeyId: string): Promise<ResolvedAccessKey | null> {
    const now = Date.now();
    const generation = this.keyGeneration;
    const key = await this.db.repo(AccessKeyEntity).findOneBy({ accessKeyId });
    let value: ResolvedAccessKey | null = null;
    if (key && key.status === 'active') {
      const user = await this.db.repo(UserEntity).findOneBy({ id: key.userId });
      const tenant = user?.tenantId ? await this.db.repo(TenantEntity).findOneBy({ id: user.tenantId }) : null;
      const tenantActive = !user?.tenantId || tenant?.status === 'active';
      if (user && user.status === 'active' && tenantActive) {
        const policyRows = await this.db.repo(UserPolicyEntity).findBy({ userId: user.id });
        value = {
          accessKeyId,
          secretKey: this.box.open(key.secretEnc),
          principal: {
            userId: user.id,
            username: user.username,
            role: user.role,
            tenantId: user.tenantId,
            account: tenant?.name ?? '',
            accessKeyId,
          },
          policies: policyRows.flatMap((p) => {
            try {
              return [parsePolicy(p.document, 'identity')];
            } catch {
              this.logger.error(`stored policy ${p.name} of ${user.username} no longer parses; ignored`);
              return [];
            }
          }),
        };
        this.touch(key);
      }
    }
    if (generation !== this.keyGeneration) return value; // dropped meanwhile: what we read may be stale
    if (this.keyCache.size >= KEY_CACHE_MAX) this.keyCache.clear();
    this.keyCache.set(accessKeyId, { value, expires: now + KEY_CACHE_TTL_MS });
    return value;
  }

  /** The owner shown in S3 listings (ID and DisplayName) of a user id. */
  async owner(userId: string): Promise<{ id: string; displayName: string }> {
    const hit = this.owners.get(userId);
    if (hit) return hit;
    const user = await this.db.repo(UserEntity).findOneBy({ id: userId });
    const owner = { id: userId, displayName: user?.username ?? userId };
    if (this.owners.size >= KEY_CACHE_MAX) this.owners.clear();
    this.owners.set(userId, owner);
    return owner;
  }

  /**
   * The grants of a request as stored: every canonical id must name a user (else InvalidArgument
   * "Invalid id", as S3), an email address is replaced by the id of the one user with that email.
   */
  async resolveGrants(requested: readonly RequestedGrant[]): Promise<AclGrant[]> {
    const out: AclGrant[] = [];
    for (const g of requested) {
      const t = g.grantee;
      if (t.type === 'Group') {
        out.push({ grantee: t, permission: g.permission });
      } else if (t.type === 'CanonicalUser') {
        if (!(await this.db.repo(UserEntity).existsBy({ id: t.id }))) {
          throw new DomainError('InvalidArgument', 'Invalid id', { argumentName: 'CanonicalUser/ID', argumentValue: t.id });
        }
        out.push({ grantee: { type: 'CanonicalUser', id: t.id }, permission: g.permission });
      } else {
        const users = await this.db
          .repo(UserEntity)
          .createQueryBuilder('u')
          .select('u.id', 'id')
          .where('LOWER(u.email) = :email', { email: t.email.toLowerCase() })
          .limit(2)
          .getRawMany<{ id: string }>();
        if (users.length === 0) throw new DomainError('UnresolvableGrantByEmailAddress', undefined, { argumentValue: t.email });
        if (users.length > 1) throw new DomainError('AmbiguousGrantByEmailAddress', undefined, { argumentValue: t.email });
        out.push({ grantee: { type: 'CanonicalUser', id: users[0].id }, permission: g.permission });
      }
    }
    return out;
  }

  private readonly touched = new Map<string, number>();

  /** Records the key's last use, at most once a minute per key, off the request path. */
  private touch(key: AccessKeyEntity): void {
    const now = this.clock.now().getTime();
    if ((this.touched.get(key.accessKeyId) ?? key.lastUsedAt ?? 0) > now - LAST_USED_RESOLUTION_MS) return;
    this.touched.set(key.accessKeyId, now);
    void this.db
      .tx((m) => m.update(AccessKeyEntity, { accessKeyId: key.accessKeyId }, { lastUsedAt: now }))
      .catch((err) => this.logger.warn(`could not record last use of ${key.accessKeyId}: ${err}`));
  }

  /** Drops a key from the caches of this node and of every other node (after a committed status change or deletion). */
  forgetAccessKey(accessKeyId: string): void {
    if (this.invalidation) this.invalidation.invalidate('access-key', accessKeyId);
    else this.dropKey(accessKeyId);
  }
}
