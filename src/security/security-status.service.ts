import { Inject, Injectable } from '@nestjs/common';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { aclIsPublic } from '../iam/acl/acl';
import { AccessKeyEntity } from '../iam/entities/access-key.entity';
import { UserEntity, UserRole } from '../iam/entities/user.entity';
import { ROOT_USERNAME } from '../iam/iam.service';
import { isPublicPolicy, parsePolicy } from '../iam/policy';
import { SettingsService } from '../settings/settings.service';

/** Keys not used for this many days are reported as stale. */
export const STALE_KEY_DAYS = 90;
/** Lists in the status are cut to this many entries (the counts stay exact). */
export const STATUS_LIST_LIMIT = 100;
const DAY_MS = 86_400_000;
/** Root secrets that ship as defaults with other S3 servers: a root configured with one of them is as good as public. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'minioadmin',
  'admin',
  'password',
  'changeme',
  'secret',
  'maxioadmin',
  'root',
  'rootpassword',
  '12345678',
]);
const MIN_ROOT_SECRET_LENGTH = 16;

export type FindingSeverity = 'high' | 'medium' | 'low' | 'info';

export interface SecurityFinding {
  severity: FindingSeverity;
  code: string;
  message: string;
}

export interface UserRef {
  id: string;
  username: string;
  role: UserRole;
  tenantId: string | null;
}

export interface SecurityStatus {
  /** undefined = the whole server (global admins); otherwise one tenant. */
  tenantId?: string;
  users: {
    total: number;
    withTwoFactor: number;
    withoutTwoFactor: number;
    adoptionPercent: number;
    /** Users without 2FA (first 100), admins first. */
    withoutTwoFactorList: UserRef[];
    adminsWithoutTwoFactor: number;
  };
  lockedAccounts: Array<UserRef & { lockedUntil: Date }>;
  staleAccessKeys: {
    thresholdDays: number;
    count: number;
    keys: Array<{ accessKeyId: string; userId: string; username: string | null; createdAt: Date; lastUsedAt: Date | null }>;
  };
  publicBuckets: Array<{ name: string; tenantId: string | null; via: Array<'policy' | 'acl'> }>;
  /** Server-wide facts: global admins only. */
  server?: {
    masterKey: 'configured' | 'generated';
    transport: { tlsTerminatedByServer: false; requestSecure: boolean; publicUrlHttps: boolean | null };
    rootCredentials: { source: 'configured' | 'generated'; defaultInUse: boolean; passwordSet: boolean; twoFactorEnabled: boolean };
    maintenanceMode: boolean;
    loginLockout: { maxFailures: number; lockoutSeconds: number };
  };
  findings: SecurityFinding[];
}

const ref = (u: UserEntity): UserRef => ({ id: u.id, username: u.username, role: u.role, tenantId: u.tenantId });
const ROLE_ORDER: Record<UserRole, number> = { admin: 0, 'tenant-admin': 1, user: 2 };

/**
 * The security overview of GET /api/v1/security/status: 2FA adoption, locked accounts, keys
 * unused for 90 days, public buckets (bucket policy or ACL), and for global admins the state of
 * the master key, the root credentials and transport security, with findings ranked by severity.
 */
@Injectable()
export class SecurityStatusService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
  ) {}

  /** `tenantId` undefined = the whole server; `requestSecure` = whether the asking request came over TLS. */
  async status(tenantId: string | undefined, requestSecure: boolean): Promise<SecurityStatus> {
    const m = this.db.manager;
    const now = this.clock.now().getTime();
    const users = await m.find(UserEntity, { where: tenantId === undefined ? {} : { tenantId }, order: { username: 'ASC' } });
    const active = users.filter((u) => u.status === 'active');
    const without = active.filter((u) => !u.totpEnabled).sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
    const locked = users.filter((u) => u.lockedUntil !== null && u.lockedUntil > now);

    const cutoff = now - STALE_KEY_DAYS * DAY_MS;
    const staleQuery = m
      .createQueryBuilder(AccessKeyEntity, 'k')
      .leftJoin(UserEntity, 'u', 'u.id = k.user_id')
      .select([
        'k.access_key_id AS access_key_id',
        'k.user_id AS user_id',
        'u.username AS username',
        'k.created_at AS created_at',
        'k.last_used_at AS last_used_at',
      ])
      .where('k.status = :active', { active: 'active' })
      .andWhere('COALESCE(k.last_used_at, k.created_at) < :cutoff', { cutoff })
      .orderBy('k.access_key_id', 'ASC');
    if (tenantId !== undefined) staleQuery.andWhere('u.tenant_id = :tenantId', { tenantId });
    const staleRows = await staleQuery.getRawMany<{
      access_key_id: string;
      user_id: string;
      username: string | null;
      created_at: string | number;
      last_used_at: string | number | null;
    }>();

    const buckets = await m.find(BucketEntity, {
      select: { name: true, tenantId: true, policy: true, acl: true },
      where: tenantId === undefined ? {} : { tenantId },
      order: { name: 'ASC' },
    });
    const publicBuckets = buckets
      .map((b) => ({
        name: b.name,
        tenantId: b.tenantId,
        via: [...(policyIsPublic(b.policy) ? ['policy' as const] : []), ...(aclIsPublic(b.acl) ? ['acl' as const] : [])],
      }))
      .filter((b) => b.via.length > 0);

    const status: SecurityStatus = {
      ...(tenantId !== undefined ? { tenantId } : {}),
      users: {
        total: active.length,
        withTwoFactor: active.length - without.length,
        withoutTwoFactor: without.length,
        adoptionPercent: active.length === 0 ? 100 : Math.round(((active.length - without.length) / active.length) * 10000) / 100,
        withoutTwoFactorList: without.slice(0, STATUS_LIST_LIMIT).map(ref),
        adminsWithoutTwoFactor: without.filter((u) => u.role !== 'user').length,
      },
      lockedAccounts: locked.slice(0, STATUS_LIST_LIMIT).map((u) => ({ ...ref(u), lockedUntil: new Date(u.lockedUntil!) })),
      staleAccessKeys: {
        thresholdDays: STALE_KEY_DAYS,
        count: staleRows.length,
        keys: staleRows.slice(0, STATUS_LIST_LIMIT).map((r) => ({
          accessKeyId: r.access_key_id,
          userId: r.user_id,
          username: r.username,
          createdAt: new Date(Number(r.created_at)),
          lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)),
        })),
      },
      publicBuckets,
      findings: [],
    };
    if (tenantId === undefined) status.server = this.serverFacts(users, requestSecure);
    status.findings = findingsOf(status);
    return status;
  }

  private serverFacts(users: UserEntity[], requestSecure: boolean): NonNullable<SecurityStatus['server']> {
    const root = users.find((u) => u.username === ROOT_USERNAME);
    const { rootAccessKey, rootSecretKey } = this.config;
    const defaultInUse =
      rootSecretKey !== undefined &&
      (KNOWN_DEFAULT_SECRETS.has(rootSecretKey.toLowerCase()) ||
        rootSecretKey === rootAccessKey ||
        rootSecretKey.length < MIN_ROOT_SECRET_LENGTH);
    return {
      masterKey: this.config.masterKey ? 'configured' : 'generated',
      transport: {
        tlsTerminatedByServer: false,
        requestSecure,
        publicUrlHttps: this.config.publicUrl ? this.config.publicUrl.startsWith('https://') : null,
      },
      rootCredentials: {
        source: rootAccessKey ? 'configured' : 'generated',
        defaultInUse,
        passwordSet: root?.passwordHash != null,
        twoFactorEnabled: root?.totpEnabled === true,
      },
      maintenanceMode: this.settings.maintenanceMode(),
      loginLockout: { maxFailures: this.config.loginMaxFailures, lockoutSeconds: Math.round(this.config.loginLockoutMs / 1000) },
    };
  }
}

function policyIsPublic(policy: string | null): boolean {
  if (!policy) return false;
  try {
    return isPublicPolicy(parsePolicy(policy, 'bucket'));
  } catch {
    return false; // a stored policy that no longer parses grants nothing
  }
}

const SEVERITY_ORDER: Record<FindingSeverity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** What an administrator should look at, most severe first. */
export function findingsOf(s: SecurityStatus): SecurityFinding[] {
  const f: SecurityFinding[] = [];
  const srv = s.server;
  if (srv?.rootCredentials.defaultInUse) {
    f.push({
      severity: 'high',
      code: 'DefaultRootCredentials',
      message: 'The root credentials are a well-known default or weak: set a long random ROOT_SECRET_KEY',
    });
  }
  if (srv && srv.rootCredentials.source === 'generated') {
    f.push({
      severity: 'info',
      code: 'GeneratedRootCredentials',
      message: 'The root credentials were generated at first boot and printed once to the log: keep that log private, or rotate them',
    });
  }
  if (srv?.masterKey === 'generated') {
    f.push({
      severity: 'medium',
      code: 'GeneratedMasterKey',
      message:
        'MASTER_KEY is not configured: the key was generated into DATA_DIR/master.key, next to the data it protects; set MASTER_KEY and keep it elsewhere',
    });
  }
  if (srv && !srv.transport.requestSecure) {
    f.push({
      severity: 'medium',
      code: 'InsecureTransport',
      message:
        'This server speaks plain HTTP: terminate TLS in front of it (reverse proxy or load balancer setting X-Forwarded-Proto: https)',
    });
  }
  if (srv && !srv.rootCredentials.twoFactorEnabled) {
    f.push({ severity: 'medium', code: 'RootWithoutTwoFactor', message: 'The root account has no second factor' });
  }
  if (s.users.adminsWithoutTwoFactor > 0) {
    f.push({
      severity: 'medium',
      code: 'AdminsWithoutTwoFactor',
      message: `${s.users.adminsWithoutTwoFactor} administrator(s) have no second factor`,
    });
  }
  if (s.publicBuckets.length > 0) {
    f.push({
      severity: 'medium',
      code: 'PublicBuckets',
      message: `${s.publicBuckets.length} bucket(s) are public through a bucket policy or an ACL`,
    });
  }
  if (s.staleAccessKeys.count > 0) {
    f.push({
      severity: 'low',
      code: 'StaleAccessKeys',
      message: `${s.staleAccessKeys.count} active access key(s) have not been used for ${s.staleAccessKeys.thresholdDays} days: disable or delete them`,
    });
  }
  if (s.lockedAccounts.length > 0) {
    f.push({ severity: 'low', code: 'LockedAccounts', message: `${s.lockedAccounts.length} account(s) are locked after failed logins` });
  }
  if (s.users.withoutTwoFactor > s.users.adminsWithoutTwoFactor) {
    f.push({
      severity: 'info',
      code: 'UsersWithoutTwoFactor',
      message: `${s.users.withoutTwoFactor - s.users.adminsWithoutTwoFactor} user(s) have no second factor`,
    });
  }
  return f.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
