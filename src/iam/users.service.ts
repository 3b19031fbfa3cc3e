import { Inject, Injectable, Optional } from '@nestjs/common';
import * as bcrypt from 'bcryptjs';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { TenantEntity } from '../tenants/entities/tenant.entity';
import { AccessKeyEntity, AccessKeyStatus } from './entities/access-key.entity';
import { UserPolicyEntity } from './entities/user-policy.entity';
import { SettingsService } from '../settings/settings.service';
import { UserEntity, UserRole, UserStatus } from './entities/user.entity';
import { generateAccessKeyPair, IamService, ROOT_USERNAME } from './iam.service';
import { parsePolicy } from './policy/parse-policy';

export interface UserView {
  id: string;
  username: string;
  role: UserRole;
  status: UserStatus;
  tenantId: string | null;
  tenantName: string | null;
  email: string | null;
  /** arn:aws:iam::<tenant>:user/<name> (Strix); the account part is empty for global users */
  arn: string;
  createdAt: Date;
  policies: string[];
  /** Console login state. */
  twoFactorEnabled: boolean;
  /** Set while the account is locked after too many failed logins. */
  lockedUntil: Date | null;
  failedLogins: number;
  lastLoginAt: Date | null;
}

export interface AccessKeyView {
  accessKeyId: string;
  userId: string;
  username: string;
  status: AccessKeyStatus;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface CreatedAccessKey extends AccessKeyView {
  /** Shown once, at creation. */
  secretKey: string;
}

/** What PUT /users/{id} may change; undefined = unchanged, email null = cleared. */
export interface UpdateUserInput {
  email?: string | null;
  role?: UserRole;
}

export interface CreateUserInput {
  username: string;
  tenant?: string | null;
  role?: UserRole;
  password?: string;
  email?: string;
}

export const ROLES: readonly UserRole[] = ['admin', 'tenant-admin', 'user'];
const USERNAME = /^[A-Za-z0-9._@+=,-]{1,64}$/;
const ACCESS_KEY_ID = /^[A-Za-z0-9._-]{3,128}$/;
const BCRYPT_ROUNDS = 10;

export const userArn = (tenantName: string | null, username: string) => `arn:aws:iam::${tenantName ?? ''}:user/${username}`;

/** Users, their access keys and their inline policies: the identity half of IAM. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: DatabaseService,
    private readonly iam: IamService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** Runtime settings (console); absent in the admin CLI, where the config applies. */
    @Optional() private readonly settings?: SettingsService,
  ) {}

  /** The password policy (setting password_min_length, default PASSWORD_MIN_LENGTH), checked before any hash is computed. */
  checkPassword(password: string): void {
    const min = this.settings?.getNumber('password_min_length') ?? this.config.passwordMinLength;
    if (password.length < min) throw new DomainError('InvalidInput', `password must be at least ${min} characters`);
    // bcrypt reads the first 72 bytes only: longer passwords would silently lose their tail.
    if (Buffer.byteLength(password, 'utf8') > 72) throw new DomainError('InvalidInput', 'password must be at most 72 bytes');
  }

  async create(input: CreateUserInput): Promise<UserView> {
    if (!USERNAME.test(input.username))
      throw new DomainError('InvalidInput', 'username must be 1-64 characters of letters, digits and ._@+=,-');
    const role = input.role ?? (input.tenant ? 'user' : 'admin');
    if (!ROLES.includes(role)) throw new DomainError('InvalidInput', `role must be one of ${ROLES.join(', ')}`);
    if (role !== 'admin' && !input.tenant) throw new DomainError('InvalidInput', `a ${role} belongs to a tenant: give --tenant`);
    if (role === 'admin' && input.tenant) throw new DomainError('InvalidInput', 'a global admin belongs to no tenant');
    if (input.password !== undefined) this.checkPassword(input.password);
    if (input.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(input.email))
      throw new DomainError('InvalidInput', 'email is not an address');
    const passwordHash = input.password !== undefined ? await bcrypt.hash(input.password, BCRYPT_ROUNDS) : null;
    const id = await this.db.tx(async (m) => {
      if (await m.existsBy(UserEntity, { username: input.username }))
        throw new DomainError('UserAlreadyExists', `user ${input.username} already exists`);
      const tenant = input.tenant ? await findTenant(m, input.tenant) : null;
      const user = m.create(UserEntity, {
        id: this.ids.uuid(),
        username: input.username,
        role,
        status: 'active',
        tenantId: tenant?.id ?? null,
        email: input.email ?? null,
        passwordHash,
        createdAt: this.clock.now().getTime(),
      });
      await m.insert(UserEntity, user);
      return user.id;
    });
    return this.get(id);
  }

  /** All users, or a tenant's. */
  async list(filter: { tenantId?: string | null } = {}): Promise<UserView[]> {
    const where = filter.tenantId !== undefined ? { tenantId: filter.tenantId ?? undefined } : {};
    const users = await this.db.repo(UserEntity).find({ where, order: { username: 'ASC' } });
    return Promise.all(users.map((u) => this.view(u)));
  }

  /** By id or username. */
  async get(idOrName: string): Promise<UserView> {
    return this.view(await this.entity(this.db.manager, idOrName));
  }

  async setStatus(idOrName: string, status: UserStatus): Promise<UserView> {
    if (status !== 'active' && status !== 'inactive') throw new DomainError('InvalidInput', 'status must be active or inactive');
    const user = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      if (u.username === ROOT_USERNAME && status !== 'active') throw new DomainError('InvalidInput', 'the root user cannot be deactivated');
      u.status = status;
      await m.save(u);
      return u;
    });
    await this.forgetKeysOf(user.id);
    return this.view(user);
  }

  async setPassword(idOrName: string, password: string): Promise<void> {
    this.checkPassword(password);
    const hash = await bcrypt.hash(password, BCRYPT_ROUNDS);
    await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      u.passwordHash = hash;
      await m.save(u);
    });
  }

  /** Changes a user's email and/or role; the role must fit the user's tenant (admin: none; others: one). */
  async update(idOrName: string, changes: UpdateUserInput): Promise<UserView> {
    if (changes.email !== undefined && changes.email !== null && !/^[^\s@]+@[^\s@]+$/.test(changes.email)) {
      throw new DomainError('InvalidInput', 'email is not an address');
    }
    if (changes.role !== undefined && !ROLES.includes(changes.role))
      throw new DomainError('InvalidInput', `role must be one of ${ROLES.join(', ')}`);
    const user = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      const patch: Partial<UserEntity> = {};
      if (changes.email !== undefined) patch.email = changes.email;
      if (changes.role !== undefined && changes.role !== u.role) {
        if (u.username === ROOT_USERNAME) throw new DomainError('InvalidInput', 'the role of the root user cannot change');
        if (changes.role === 'admin' && u.tenantId) throw new DomainError('InvalidInput', 'a global admin belongs to no tenant');
        if (changes.role !== 'admin' && !u.tenantId) throw new DomainError('InvalidInput', `a ${changes.role} belongs to a tenant`);
        patch.role = changes.role;
      }
      if (Object.keys(patch).length > 0) await m.update(UserEntity, { id: u.id }, patch);
      return { ...u, ...patch };
    });
    if (changes.role !== undefined) await this.forgetKeysOf(user.id);
    return this.view(user);
  }

  /**
   * Sets a user's role and tenant together (a user moving between tenants, or to or from global
   * admin): what identity providers' group mappings decide. Their keys are re-read at once.
   */
  async assignRoleAndTenant(idOrName: string, role: UserRole, tenantId: string | null): Promise<UserView> {
    if (!ROLES.includes(role)) throw new DomainError('InvalidInput', `role must be one of ${ROLES.join(', ')}`);
    if (role === 'admin' && tenantId !== null) throw new DomainError('InvalidInput', 'a global admin belongs to no tenant');
    if (role !== 'admin' && tenantId === null) throw new DomainError('InvalidInput', `a ${role} belongs to a tenant`);
    const user = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      if (u.username === ROOT_USERNAME) throw new DomainError('InvalidInput', 'the role of the root user cannot change');
      if (tenantId !== null && !(await m.existsBy(TenantEntity, { id: tenantId })))
        throw new DomainError('TenantNotFound', `tenant ${tenantId} does not exist`);
      if (u.role !== role || u.tenantId !== tenantId) await m.update(UserEntity, { id: u.id }, { role, tenantId });
      return { ...u, role, tenantId };
    });
    await this.forgetKeysOf(user.id);
    return this.view(user);
  }

  /** Checks a console password; null when it does not match or the user has none. */
  async verifyPassword(username: string, password: string): Promise<UserView | null> {
    const u = await this.db.repo(UserEntity).findOneBy({ username });
    if (!u || !u.passwordHash) return null;
    return (await bcrypt.compare(password, u.passwordHash)) ? this.view(u) : null;
  }

  /** Deletes a user with their keys and policies (their buckets stay with the tenant). */
  async delete(idOrName: string): Promise<void> {
    const keys = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      if (u.username === ROOT_USERNAME) throw new DomainError('InvalidInput', 'the root user cannot be deleted');
      const k = await m.findBy(AccessKeyEntity, { userId: u.id });
      await m.delete(AccessKeyEntity, { userId: u.id });
      await m.delete(UserPolicyEntity, { userId: u.id });
      await m.delete(UserEntity, { id: u.id });
      return k.map((x) => x.accessKeyId);
    });
    keys.forEach((k) => this.iam.forgetAccessKey(k));
  }

  // ---- access keys ----

  /**
   * A new key for a user: generated (20-char id, 40-char secret from a CSPRNG), or the given
   * pair when migrating from another S3 server. The secret is returned here only.
   */
  async createKey(idOrName: string, given?: { accessKeyId: string; secretKey: string }): Promise<CreatedAccessKey> {
    if (given) {
      if (!ACCESS_KEY_ID.test(given.accessKeyId))
        throw new DomainError('InvalidInput', 'access key ids are 3-128 characters of A-Z a-z 0-9 . _ -');
      if (given.secretKey.length < 8 || given.secretKey.length > 128)
        throw new DomainError('InvalidInput', 'secret keys are 8-128 characters');
    }
    const pair = given ?? generateAccessKeyPair();
    return this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      if (u.tenantId) await checkAccessKeyQuota(m, u.tenantId);
      if (await m.existsBy(AccessKeyEntity, { accessKeyId: pair.accessKeyId })) {
        throw new DomainError('AccessKeyAlreadyExists', `access key ${pair.accessKeyId} already exists`);
      }
      const key = m.create(AccessKeyEntity, {
        accessKeyId: pair.accessKeyId,
        userId: u.id,
        secretEnc: this.iam.seal(pair.secretKey),
        status: 'active',
        createdAt: this.clock.now().getTime(),
        lastUsedAt: null,
      });
      await m.insert(AccessKeyEntity, key);
      this.iam.forgetAccessKey(pair.accessKeyId);
      return { ...keyView(key, u), secretKey: pair.secretKey };
    });
  }

  async listKeys(filter: { user?: string; tenantId?: string | null } = {}): Promise<AccessKeyView[]> {
    const m = this.db.manager;
    const users = filter.user
      ? [await this.entity(m, filter.user)]
      : await m.find(UserEntity, { where: filter.tenantId !== undefined ? { tenantId: filter.tenantId ?? undefined } : {} });
    const byId = new Map(users.map((u) => [u.id, u]));
    const keys = await m.find(AccessKeyEntity, { order: { createdAt: 'ASC' } });
    return keys.filter((k) => byId.has(k.userId)).map((k) => keyView(k, byId.get(k.userId)!));
  }

  async getKey(accessKeyId: string): Promise<AccessKeyView> {
    const key = await this.db.repo(AccessKeyEntity).findOneBy({ accessKeyId });
    if (!key) throw new DomainError('AccessKeyNotFound', `access key ${accessKeyId} does not exist`);
    const user = await this.db.repo(UserEntity).findOneByOrFail({ id: key.userId });
    return keyView(key, user);
  }

  /** Takes effect on this node at once and on every node within the key cache's lifetime (5 s). */
  async setKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<AccessKeyView> {
    if (status !== 'active' && status !== 'inactive') throw new DomainError('InvalidInput', 'status must be active or inactive');
    const view = await this.db.tx(async (m) => {
      const key = await m.findOneBy(AccessKeyEntity, { accessKeyId });
      if (!key) throw new DomainError('AccessKeyNotFound', `access key ${accessKeyId} does not exist`);
      key.status = status;
      await m.save(key);
      return keyView(key, await m.findOneByOrFail(UserEntity, { id: key.userId }));
    });
    this.iam.forgetAccessKey(accessKeyId);
    return view;
  }

  async deleteKey(accessKeyId: string): Promise<void> {
    await this.db.tx(async (m) => {
      const res = await m.delete(AccessKeyEntity, { accessKeyId });
      if (!res.affected) throw new DomainError('AccessKeyNotFound', `access key ${accessKeyId} does not exist`);
    });
    this.iam.forgetAccessKey(accessKeyId);
  }

  // ---- inline policies ----

  /** Attaches (or replaces) a named inline identity policy; the document is validated first. */
  async putPolicy(idOrName: string, name: string, document: string): Promise<void> {
    if (!/^[\w+=,.@-]{1,128}$/.test(name))
      throw new DomainError('InvalidInput', 'policy names are 1-128 characters of letters, digits and +=,.@_-');
    parsePolicy(document, 'identity'); // throws PolicyError, a DomainError('MalformedPolicy') naming the problem
    const userId = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      await m.save(m.create(UserPolicyEntity, { userId: u.id, name, document, createdAt: this.clock.now().getTime() }));
      return u.id;
    });
    await this.forgetKeysOf(userId);
  }

  async listPolicies(idOrName: string): Promise<Array<{ name: string; document: string; createdAt: Date }>> {
    const u = await this.entity(this.db.manager, idOrName);
    const rows = await this.db.repo(UserPolicyEntity).find({ where: { userId: u.id }, order: { name: 'ASC' } });
    return rows.map((r) => ({ name: r.name, document: r.document, createdAt: new Date(r.createdAt) }));
  }

  async deletePolicy(idOrName: string, name: string): Promise<void> {
    const userId = await this.db.tx(async (m) => {
      const u = await this.entity(m, idOrName);
      const res = await m.delete(UserPolicyEntity, { userId: u.id, name });
      if (!res.affected) throw new DomainError('PolicyNotFound', `user ${u.username} has no policy ${name}`);
      return u.id;
    });
    await this.forgetKeysOf(userId);
  }

  private async forgetKeysOf(userId: string): Promise<void> {
    const keys = await this.db.repo(AccessKeyEntity).find({ select: { accessKeyId: true }, where: { userId } });
    keys.forEach((k) => this.iam.forgetAccessKey(k.accessKeyId));
  }

  private async entity(m: EntityManager, idOrName: string): Promise<UserEntity> {
    const u = (await m.findOneBy(UserEntity, { id: idOrName })) ?? (await m.findOneBy(UserEntity, { username: idOrName }));
    if (!u) throw new DomainError('UserNotFound', `user ${idOrName} does not exist`);
    return u;
  }

  private async view(u: UserEntity): Promise<UserView> {
    const tenant = u.tenantId ? await this.db.repo(TenantEntity).findOneBy({ id: u.tenantId }) : null;
    const policies = await this.db.repo(UserPolicyEntity).find({ select: { name: true }, where: { userId: u.id }, order: { name: 'ASC' } });
    return {
      id: u.id,
      username: u.username,
      role: u.role,
      status: u.status,
      tenantId: u.tenantId,
      tenantName: tenant?.name ?? null,
      email: u.email,
      arn: userArn(tenant?.name ?? null, u.username),
      createdAt: new Date(u.createdAt),
      policies: policies.map((p) => p.name),
      twoFactorEnabled: u.totpEnabled ?? false,
      lockedUntil: u.lockedUntil ? new Date(u.lockedUntil) : null,
      failedLogins: u.failedLogins ?? 0,
      lastLoginAt: u.lastLoginAt ? new Date(u.lastLoginAt) : null,
    };
  }
}

async function findTenant(m: EntityManager, idOrName: string): Promise<TenantEntity> {
  const t = (await m.findOneBy(TenantEntity, { id: idOrName })) ?? (await m.findOneBy(TenantEntity, { name: idOrName }));
  if (!t) throw new DomainError('TenantNotFound', `tenant ${idOrName} does not exist`);
  return t;
}

function keyView(k: AccessKeyEntity, u: UserEntity): AccessKeyView {
  return {
    accessKeyId: k.accessKeyId,
    userId: u.id,
    username: u.username,
    status: k.status,
    createdAt: new Date(k.createdAt),
    lastUsedAt: k.lastUsedAt === null ? null : new Date(k.lastUsedAt),
  };
}

/** Refuses a new key past the tenant's access-key quota (all its users' keys together). */
async function checkAccessKeyQuota(m: EntityManager, tenantId: string): Promise<void> {
  const t = await m.findOneBy(TenantEntity, { id: tenantId });
  if (!t || t.maxAccessKeys === null || t.maxAccessKeys === undefined) return;
  const count = await m
    .createQueryBuilder(AccessKeyEntity, 'k')
    .innerJoin(UserEntity, 'u', 'u.id = k.user_id')
    .where('u.tenant_id = :id', { id: tenantId })
    .getCount();
  if (count >= t.maxAccessKeys)
    throw new DomainError('QuotaExceeded', `The tenant ${t.name} may have at most ${t.maxAccessKeys} access keys.`);
}
