import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import type { UserRole } from '../iam/entities/user.entity';
import { SecretBox } from '../iam/secret-box';
import { UsersService } from '../iam/users.service';
import type { Principal } from '../iam/principal';
import { TenantsService } from '../tenants/tenants.service';
import { ExternalIdentityEntity } from './entities/external-identity.entity';
import { GroupMappingEntity } from './entities/group-mapping.entity';
import { IdentityProviderEntity, IdpStatus, SyncSummary } from './entities/identity-provider.entity';
import { OAuthStateEntity } from './entities/oauth-state.entity';
import {
  IDP_TYPES,
  IdpSettings,
  IdpType,
  LdapSettings,
  OidcSettings,
  parseLdapSettings,
  parseOidcSettings,
  secretOf,
  unwrapConfig,
} from './idp-config';
import { LdapDirectory } from './ldap/ldap-directory';
import { OidcRelyingParty } from './oidc/oidc-relying-party';
import type { MappingRule } from './role-mapping';
import { normalizeGroup } from './role-mapping';

/** Who manages providers: global admins all of them, tenant admins those of their tenant. */
export type IdpActor = Pick<Principal, 'userId' | 'role' | 'tenantId'>;

export interface IdentityProviderView {
  id: string;
  name: string;
  type: IdpType;
  status: IdpStatus;
  tenantId: string | null;
  tenantName: string | null;
  /** The settings, without the secret. */
  config: IdpSettings;
  hasSecret: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastSyncAt: Date | null;
  lastSyncResult: SyncSummary | null;
  mappings: number;
  users: number;
}

export interface GroupMappingView {
  id: string;
  providerId: string;
  externalGroup: string;
  externalGroupName: string | null;
  role: UserRole;
  tenantId: string | null;
  tenantName: string | null;
  priority: number;
  lastSyncedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateProviderInput {
  name: string;
  type: string;
  status?: IdpStatus;
  /** Tenant id or name; null/undefined = global (global admins only). */
  tenant?: string | null;
  config?: unknown;
}

export interface UpdateProviderInput {
  name?: string;
  status?: IdpStatus;
  config?: unknown;
}

export interface MappingInput {
  externalGroup?: string;
  externalGroupName?: string | null;
  role?: UserRole;
  /** Tenant id or name. */
  tenant?: string | null;
  priority?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/;
const ROLES: readonly UserRole[] = ['admin', 'tenant-admin', 'user'];

/**
 * Identity providers and their group mappings: validation, storage (the secret sealed with the
 * master key), and who may manage what. A global admin manages every provider; a tenant admin
 * manages the providers of their own tenant, whose mappings can only give roles in that tenant
 * (never admin).
 */
@Injectable()
export class IdentityProvidersService {
  private readonly parties = new Map<string, { updatedAt: number; rp: OidcRelyingParty }>();

  constructor(
    private readonly db: DatabaseService,
    /** The master key's box (IdpModule provides it): client secrets and bind passwords at rest. */
    private readonly box: SecretBox,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  // ---- providers ----

  async list(actor: IdpActor): Promise<IdentityProviderView[]> {
    assertManager(actor);
    const where = actor.role === 'admin' ? {} : { tenantId: actor.tenantId! };
    const rows = await this.db.repo(IdentityProviderEntity).find({ where, order: { name: 'ASC' } });
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(actor: IdpActor, idOrName: string): Promise<IdentityProviderView> {
    return this.view(await this.manageable(actor, idOrName));
  }

  async create(actor: IdpActor, input: CreateProviderInput): Promise<IdentityProviderView> {
    assertManager(actor);
    const type = normalizeType(input.type);
    if (!NAME.test(input.name))
      throw new DomainError(
        'InvalidInput',
        'name must be 1-128 characters of letters, digits, spaces and ._-, starting with a letter or digit',
      );
    const tenantId = await this.providerTenant(actor, input.tenant);
    const raw = unwrapConfig(type, input.config);
    const settings = type === 'oidc' ? parseOidcSettings(raw) : parseLdapSettings(raw);
    this.checkDefaultRole(settings, tenantId);
    const secret = secretOf(type, raw);
    const now = this.clock.now().getTime();
    const id = await this.db.tx(async (m) => {
      if (await m.existsBy(IdentityProviderEntity, { name: input.name })) {
        throw new DomainError('IdentityProviderAlreadyExists', `an identity provider named ${input.name} already exists`);
      }
      const row = m.create(IdentityProviderEntity, {
        id: this.ids.uuid(),
        name: input.name,
        type,
        status: checkStatus(input.status ?? 'active'),
        tenantId,
        config: settings,
        secretEnc: secret ? this.box.seal(secret) : null,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
        lastSyncAt: null,
        lastSyncResult: null,
      });
      await m.insert(IdentityProviderEntity, row);
      return row.id;
    });
    return this.get(actor, id);
  }

  async update(actor: IdpActor, idOrName: string, input: UpdateProviderInput): Promise<IdentityProviderView> {
    const current = await this.manageable(actor, idOrName);
    if (input.name !== undefined && !NAME.test(input.name))
      throw new DomainError('InvalidInput', 'name must be 1-128 characters of letters, digits, spaces and ._-');
    const patch: Partial<IdentityProviderEntity> = { updatedAt: Math.max(this.clock.now().getTime(), current.updatedAt + 1) };
    if (input.name !== undefined) patch.name = input.name;
    if (input.status !== undefined) patch.status = checkStatus(input.status);
    if (input.config !== undefined) {
      const raw = unwrapConfig(current.type, input.config);
      const settings =
        current.type === 'oidc'
          ? parseOidcSettings(raw, current.config as OidcSettings)
          : parseLdapSettings(raw, current.config as LdapSettings);
      this.checkDefaultRole(settings, current.tenantId);
      patch.config = settings;
      const secret = secretOf(current.type, raw);
      if (secret !== undefined) patch.secretEnc = secret ? this.box.seal(secret) : null;
    }
    await this.db.tx(async (m) => {
      if (patch.name !== undefined && patch.name !== current.name && (await m.existsBy(IdentityProviderEntity, { name: patch.name }))) {
        throw new DomainError('IdentityProviderAlreadyExists', `an identity provider named ${patch.name} already exists`);
      }
      await m.update(IdentityProviderEntity, { id: current.id }, patch);
    });
    this.parties.delete(current.id);
    return this.get(actor, current.id);
  }

  /**
   * Deletes a provider with its mappings, links and pending logins. The users it linked stay
   * (they own keys and appear in audit records) but are deactivated: with no password and no
   * provider they could not log in anyway, and their access keys must stop working too.
   */
  async delete(actor: IdpActor, idOrName: string): Promise<{ deactivatedUserIds: string[] }> {
    const p = await this.manageable(actor, idOrName);
    const userIds = await this.db.tx(async (m) => {
      const links = await m.findBy(ExternalIdentityEntity, { providerId: p.id });
      await m.delete(ExternalIdentityEntity, { providerId: p.id });
      await m.delete(GroupMappingEntity, { providerId: p.id });
      await m.delete(OAuthStateEntity, { providerId: p.id });
      await m.delete(IdentityProviderEntity, { id: p.id });
      return links.map((l) => l.userId);
    });
    this.parties.delete(p.id);
    for (const id of userIds) {
      await this.users.setStatus(id, 'inactive').catch((err: unknown) => {
        if (!(err instanceof DomainError && err.code === 'UserNotFound')) throw err;
      });
    }
    return { deactivatedUserIds: userIds };
  }

  /** Active OIDC providers, for the login page (no settings beyond a display name). */
  async activeOidc(): Promise<Array<{ id: string; name: string; displayName: string; tenantId: string | null }>> {
    const rows = await this.db.repo(IdentityProviderEntity).find({ where: { type: 'oidc', status: 'active' }, order: { name: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      displayName: (r.config as OidcSettings).display_name ?? r.name,
      tenantId: r.tenantId,
    }));
  }

  async activeLdap(): Promise<IdentityProviderEntity[]> {
    return this.db.repo(IdentityProviderEntity).find({ where: { type: 'ldap', status: 'active' }, order: { name: 'ASC' } });
  }

  /** A provider by id or name, whatever its status; null when there is none. */
  async find(idOrName: string): Promise<IdentityProviderEntity | null> {
    const repo = this.db.repo(IdentityProviderEntity);
    return (await repo.findOneBy({ id: idOrName })) ?? (await repo.findOneBy({ name: idOrName }));
  }

  /** A provider the actor may manage (404 when missing, 403 when another tenant's). */
  async manageable(actor: IdpActor, idOrName: string): Promise<IdentityProviderEntity> {
    assertManager(actor);
    const p = await this.find(idOrName);
    if (!p) throw new DomainError('IdentityProviderNotFound', `identity provider ${idOrName} does not exist`);
    if (actor.role !== 'admin' && p.tenantId !== actor.tenantId)
      throw new DomainError('AccessDenied', `You cannot manage identity provider ${idOrName}`);
    return p;
  }

  /** The OIDC relying party of a provider (kept while the provider is unchanged: discovery and JWKS stay cached). */
  relyingParty(p: IdentityProviderEntity): OidcRelyingParty {
    if (p.type !== 'oidc') throw new DomainError('InvalidInput', `identity provider ${p.name} is not an OIDC provider`);
    const hit = this.parties.get(p.id);
    if (hit && hit.updatedAt === p.updatedAt) return hit.rp;
    const rp = new OidcRelyingParty(p.config as OidcSettings, this.secret(p));
    this.parties.set(p.id, { updatedAt: p.updatedAt, rp });
    return rp;
  }

  directory(p: IdentityProviderEntity): LdapDirectory {
    if (p.type !== 'ldap')
      throw new DomainError(
        'InvalidInput',
        `identity provider ${p.name} is not an LDAP provider (search, import and bind are LDAP operations)`,
      );
    return new LdapDirectory(p.config as LdapSettings, this.secret(p));
  }

  /** Checks the provider: OIDC discovery and a JWKS fetch; LDAP connect and bind (then a user count). */
  async test(actor: IdpActor, idOrName: string): Promise<{ success: boolean; message: string; details: Record<string, unknown> }> {
    const p = await this.manageable(actor, idOrName);
    try {
      if (p.type === 'oidc') {
        const info = await this.relyingParty(p).test();
        return { success: true, message: `Discovered ${info.issuer}; ${info.keys} signing key(s) published`, details: { ...info } };
      }
      const info = await this.directory(p).test();
      return {
        success: true,
        message: `Connected to ${(p.config as LdapSettings).url} and bound as ${info.bound_as}`,
        details: { ...info },
      };
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'IdentityProviderError' || err.code === 'InvalidInput')) {
        return { success: false, message: err.message, details: {} };
      }
      throw err;
    }
  }

  async recordSync(providerId: string, result: SyncSummary): Promise<void> {
    await this.db.tx((m) =>
      m.update(IdentityProviderEntity, { id: providerId }, { lastSyncAt: this.clock.now().getTime(), lastSyncResult: result }),
    );
  }

  // ---- group mappings ----

  async listMappings(actor: IdpActor, providerIdOrName: string): Promise<GroupMappingView[]> {
    const p = await this.manageable(actor, providerIdOrName);
    const rows = await this.db.repo(GroupMappingEntity).find({ where: { providerId: p.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return Promise.all(rows.map((r) => this.mappingView(r)));
  }

  async getMapping(
    actor: IdpActor,
    providerIdOrName: string,
    mapId: string,
  ): Promise<{ provider: IdentityProviderEntity; mapping: GroupMappingEntity }> {
    const provider = await this.manageable(actor, providerIdOrName);
    const mapping = await this.db.repo(GroupMappingEntity).findOneBy({ id: mapId, providerId: provider.id });
    if (!mapping) throw new DomainError('GroupMappingNotFound', `identity provider ${provider.name} has no group mapping ${mapId}`);
    return { provider, mapping };
  }

  async createMapping(actor: IdpActor, providerIdOrName: string, input: MappingInput): Promise<GroupMappingView> {
    const p = await this.manageable(actor, providerIdOrName);
    const group = checkGroup(input.externalGroup);
    const { role, tenantId } = await this.mappingTarget(actor, p, input.role, input.tenant);
    const now = this.clock.now().getTime();
    const id = await this.db.tx(async (m) => {
      await this.assertGroupFree(m, p.id, group);
      const row = m.create(GroupMappingEntity, {
        id: this.ids.uuid(),
        providerId: p.id,
        externalGroup: group,
        externalGroupName: input.externalGroupName ?? null,
        role,
        tenantId,
        priority: checkPriority(input.priority ?? 0),
        lastSyncedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(GroupMappingEntity, row);
      return row.id;
    });
    return this.mappingView(await this.db.repo(GroupMappingEntity).findOneByOrFail({ id }));
  }

  async updateMapping(actor: IdpActor, providerIdOrName: string, mapId: string, input: MappingInput): Promise<GroupMappingView> {
    const { provider, mapping } = await this.getMapping(actor, providerIdOrName, mapId);
    const group = input.externalGroup !== undefined ? checkGroup(input.externalGroup) : mapping.externalGroup;
    const role = input.role ?? mapping.role;
    // A role change to or from admin changes whether there is a tenant: take the given one, else keep the current.
    const tenantInput = input.tenant !== undefined ? input.tenant : role === 'admin' ? null : mapping.tenantId;
    const target = await this.mappingTarget(actor, provider, role, tenantInput);
    await this.db.tx(async (m) => {
      if (normalizeGroup(group) !== normalizeGroup(mapping.externalGroup)) await this.assertGroupFree(m, provider.id, group);
      await m.update(
        GroupMappingEntity,
        { id: mapping.id },
        {
          externalGroup: group,
          externalGroupName: input.externalGroupName !== undefined ? input.externalGroupName : mapping.externalGroupName,
          role: target.role,
          tenantId: target.tenantId,
          priority: input.priority !== undefined ? checkPriority(input.priority) : mapping.priority,
          updatedAt: this.clock.now().getTime(),
        },
      );
    });
    return this.mappingView(await this.db.repo(GroupMappingEntity).findOneByOrFail({ id: mapping.id }));
  }

  async deleteMapping(actor: IdpActor, providerIdOrName: string, mapId: string): Promise<void> {
    const { mapping } = await this.getMapping(actor, providerIdOrName, mapId);
    await this.db.tx((m) => m.delete(GroupMappingEntity, { id: mapping.id }));
  }

  async markMappingSynced(mapId: string): Promise<void> {
    await this.db.tx((m) => m.update(GroupMappingEntity, { id: mapId }, { lastSyncedAt: this.clock.now().getTime() }));
  }

  /** The mappings of a provider, as role resolution wants them. */
  async rules(providerId: string): Promise<MappingRule[]> {
    const rows = await this.db.repo(GroupMappingEntity).findBy({ providerId });
    return rows.map((r) => ({
      id: r.id,
      externalGroup: r.externalGroup,
      role: r.role,
      tenantId: r.tenantId,
      priority: r.priority,
      createdAt: r.createdAt,
    }));
  }

  /** The role and tenant for users whose groups map to nothing: only with auto-create on and a default role set. */
  fallback(p: IdentityProviderEntity): { role: Exclude<UserRole, 'admin'>; tenantId: string } | null {
    const s = p.config as OidcSettings | LdapSettings;
    if (!s.auto_create_users || !s.default_role || !p.tenantId) return null;
    return { role: s.default_role, tenantId: p.tenantId };
  }

  /**
   * Checks that the actor may give `role` in `tenant` through a mapping of `p`: admin only on a
   * global provider and by a global admin; a tenant-scoped provider only within its tenant.
   */
  async mappingTarget(actor: IdpActor, p: IdentityProviderEntity, role: UserRole | undefined, tenant: string | null | undefined) {
    if (!role || !ROLES.includes(role)) throw new DomainError('InvalidInput', `role must be one of ${ROLES.join(', ')}`);
    if (role === 'admin') {
      if (p.tenantId !== null) throw new DomainError('InvalidInput', 'a provider of a tenant cannot make global admins');
      if (actor.role !== 'admin') throw new DomainError('AccessDenied', 'Only global admins can map a group to admin');
      if (tenant) throw new DomainError('InvalidInput', 'a global admin belongs to no tenant: leave tenant_id empty for role admin');
      return { role, tenantId: null };
    }
    const given = tenant ? (await this.tenants.get(tenant)).id : null;
    const tenantId = given ?? p.tenantId;
    if (!tenantId) throw new DomainError('InvalidInput', `role ${role} needs tenant_id (the tenant the users join)`);
    if (p.tenantId !== null && tenantId !== p.tenantId)
      throw new DomainError('InvalidInput', 'a provider of a tenant can only map groups into its own tenant');
    if (actor.role !== 'admin' && tenantId !== actor.tenantId)
      throw new DomainError('AccessDenied', 'You can only map groups into your own tenant');
    return { role, tenantId };
  }

  private async assertGroupFree(m: EntityManager, providerId: string, group: string): Promise<void> {
    const existing = await m.findBy(GroupMappingEntity, { providerId });
    if (existing.some((e) => normalizeGroup(e.externalGroup) === normalizeGroup(group))) {
      throw new DomainError('GroupMappingAlreadyExists', `group ${group} is already mapped for this provider: update that mapping`);
    }
  }

  private checkDefaultRole(s: IdpSettings, tenantId: string | null): void {
    if (s.default_role && !tenantId) {
      throw new DomainError(
        'InvalidInput',
        'config.default_role needs a provider that belongs to a tenant (tenant_id): the default role is given in that tenant',
      );
    }
  }

  private async providerTenant(actor: IdpActor, tenant: string | null | undefined): Promise<string | null> {
    if (actor.role === 'admin') return tenant ? (await this.tenants.get(tenant)).id : null;
    // A tenant admin's providers belong to their tenant.
    if (tenant) {
      const t = await this.tenants.get(tenant).catch(() => null);
      if (!t || t.id !== actor.tenantId) throw new DomainError('AccessDenied', 'You can only add identity providers to your own tenant');
    }
    return actor.tenantId;
  }

  private secret(p: IdentityProviderEntity): string | null {
    return p.secretEnc ? this.box.open(p.secretEnc) : null;
  }

  private async view(r: IdentityProviderEntity): Promise<IdentityProviderView> {
    const [tenant, mappings, users] = await Promise.all([
      r.tenantId ? this.tenants.get(r.tenantId).catch(() => null) : Promise.resolve(null),
      this.db.repo(GroupMappingEntity).countBy({ providerId: r.id }),
      this.db.repo(ExternalIdentityEntity).countBy({ providerId: r.id }),
    ]);
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      status: r.status,
      tenantId: r.tenantId,
      tenantName: tenant?.name ?? null,
      config: r.config,
      hasSecret: r.secretEnc !== null,
      createdBy: r.createdBy,
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
      lastSyncAt: r.lastSyncAt === null ? null : new Date(r.lastSyncAt),
      lastSyncResult: r.lastSyncResult,
      mappings,
      users,
    };
  }

  private async mappingView(r: GroupMappingEntity): Promise<GroupMappingView> {
    const tenant = r.tenantId ? await this.tenants.get(r.tenantId).catch(() => null) : null;
    return {
      id: r.id,
      providerId: r.providerId,
      externalGroup: r.externalGroup,
      externalGroupName: r.externalGroupName,
      role: r.role,
      tenantId: r.tenantId,
      tenantName: tenant?.name ?? null,
      priority: r.priority,
      lastSyncedAt: r.lastSyncedAt === null ? null : new Date(r.lastSyncedAt),
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
    };
  }
}

function assertManager(actor: IdpActor): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'tenant-admin' && actor.tenantId !== null) return;
  throw new DomainError('AccessDenied', 'Identity providers are managed by global admins and by tenant admins (for their tenant)');
}

function normalizeType(type: string): IdpType {
  const t = type === 'oauth2' ? 'oidc' : type;
  if (!IDP_TYPES.includes(t as IdpType)) throw new DomainError('InvalidInput', `type must be one of ${IDP_TYPES.join(', ')}`);
  return t as IdpType;
}

function checkStatus(s: string): IdpStatus {
  if (s !== 'active' && s !== 'inactive') throw new DomainError('InvalidInput', 'status must be active or inactive');
  return s;
}

function checkGroup(g: string | undefined): string {
  const v = g?.trim();
  if (!v || v.length > 512)
    throw new DomainError('InvalidInput', 'external_group must be 1-512 characters (a group claim value, or an LDAP group DN or name)');
  return v;
}

function checkPriority(p: number): number {
  if (!Number.isInteger(p) || p < -1000 || p > 1000)
    throw new DomainError('InvalidInput', 'priority must be an integer from -1000 to 1000');
  return p;
}
