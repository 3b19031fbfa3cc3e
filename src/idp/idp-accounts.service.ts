import { Injectable, Logger } from '@nestjs/common';
import { AuthError } from '../auth/auth.errors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { UsersService, UserView } from '../iam/users.service';
import { ExternalIdentityEntity, RoleSource } from './entities/external-identity.entity';
import { IdentityProviderEntity } from './entities/identity-provider.entity';
import { IdentityProvidersService } from './identity-providers.service';
import type { LdapSettings, OidcSettings } from './idp-config';
import { RoleAssignment, resolveAssignment } from './role-mapping';

/** An account as an identity provider describes it. */
export interface ExternalAccount {
  /** OIDC `sub`, LDAP DN. */
  subject: string;
  username: string;
  email: string | null;
  groups: string[];
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'deactivated' | 'reactivated' | 'removed';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Local users of identity providers: created without a password and linked to (provider,
 * external subject); their role and tenant follow the provider's group mappings at every login
 * and sync. A user whose groups map to nothing is refused (never given a default admin); one who
 * left the directory is deactivated, which also stops their access keys.
 */
@Injectable()
export class IdpAccountsService {
  private readonly logger = new Logger(IdpAccountsService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly users: UsersService,
    private readonly providers: IdentityProvidersService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The link of a local user, if any. */
  linkOf(userId: string): Promise<ExternalIdentityEntity | null> {
    return this.db.repo(ExternalIdentityEntity).findOneBy({ userId });
  }

  /** The link of an external account, if any (a link whose user was deleted is dropped). */
  async linkFor(providerId: string, subject: string): Promise<ExternalIdentityEntity | null> {
    const link = await this.db.repo(ExternalIdentityEntity).findOneBy({ providerId, subject });
    if (link && !(await this.userExists(link.userId))) {
      await this.db.tx((m) => m.delete(ExternalIdentityEntity, { id: link.id }));
      return null;
    }
    return link;
  }

  links(providerId: string): Promise<ExternalIdentityEntity[]> {
    return this.db.repo(ExternalIdentityEntity).find({ where: { providerId }, order: { createdAt: 'ASC' } });
  }

  /**
   * A login through the provider (OIDC callback, LDAP bind): the linked user, refreshed from the
   * account's groups, or a new user when the provider creates users. Returns the local user id;
   * whether the account is active is for the session to check.
   */
  async login(p: IdentityProviderEntity, account: ExternalAccount): Promise<string> {
    const link = await this.linkFor(p.id, account.subject);
    const assignment = await this.assignment(p, account.groups);
    if (!link) {
      const settings = p.config as OidcSettings | LdapSettings;
      if (!settings.auto_create_users) {
        throw new AuthError(
          'SsoLoginFailed',
          `No user of this server is linked to ${account.username} at ${p.name}, and ${p.name} does not create users (auto_create_users is off): ask an administrator to import you.`,
        );
      }
      if (!assignment) throw noRole(p, account);
      const user = await this.createLinked(p, account, assignment, 'mappings', 'login');
      return user.id;
    }
    if (link.roleSource === 'mappings') {
      if (!assignment) throw noRole(p, account);
      await this.apply(link.userId, assignment);
    }
    const user = await this.users.get(link.userId);
    if (user.status !== 'active' && link.syncDisabled) await this.users.setStatus(user.id, 'active');
    await this.db.tx((m) =>
      m.update(
        ExternalIdentityEntity,
        { id: link.id },
        {
          externalUsername: account.username,
          email: account.email,
          groups: account.groups,
          syncDisabled: false,
          lastLoginAt: this.clock.now().getTime(),
        },
      ),
    );
    return user.id;
  }

  /**
   * Imports an account ahead of its first login. `manual` sets the role and tenant by hand (a
   * sync then leaves them alone); otherwise the group mappings decide, and an account whose groups
   * map to nothing is not imported.
   */
  async importAccount(
    p: IdentityProviderEntity,
    account: ExternalAccount,
    manual?: RoleAssignment,
  ): Promise<{ user: UserView; status: 'imported' | 'updated' }> {
    const link = await this.linkFor(p.id, account.subject);
    if (link) {
      if (manual) {
        await this.apply(link.userId, manual);
        await this.db.tx((m) => m.update(ExternalIdentityEntity, { id: link.id }, { roleSource: 'manual' }));
      } else {
        await this.refresh(p, link, account);
      }
      return { user: await this.users.get(link.userId), status: 'updated' };
    }
    const assignment = manual ?? (await this.assignment(p, account.groups));
    if (!assignment) throw new DomainError('InvalidInput', noRole(p, account).message);
    const user = await this.createLinked(p, account, assignment, manual ? 'manual' : 'mappings', 'import');
    return { user, status: 'imported' };
  }

  /**
   * Brings a linked user in line with the directory: `account` null means the account is gone
   * (deactivated); otherwise the role and tenant follow the mappings (deactivated when nothing
   * maps), and a user deactivated by an earlier sync comes back.
   */
  async refresh(p: IdentityProviderEntity, link: ExternalIdentityEntity, account: ExternalAccount | null): Promise<RefreshOutcome> {
    if (!(await this.userExists(link.userId))) {
      await this.db.tx((m) => m.delete(ExternalIdentityEntity, { id: link.id }));
      return 'removed';
    }
    const now = this.clock.now().getTime();
    const user = await this.users.get(link.userId);
    const assignment = account ? await this.assignment(p, account.groups) : null;
    const lost = !account || (link.roleSource === 'mappings' && !assignment);
    if (lost) {
      await this.db.tx((m) =>
        m.update(
          ExternalIdentityEntity,
          { id: link.id },
          { lastSyncAt: now, ...(account ? { groups: account.groups } : {}), syncDisabled: true },
        ),
      );
      if (user.status === 'active') {
        await this.users.setStatus(user.id, 'inactive');
        this.logger.log(`${user.username} deactivated: ${account ? 'no group of theirs is mapped' : `no longer in ${p.name}`}`);
        return 'deactivated';
      }
      return 'unchanged';
    }
    let changed = false;
    if (link.roleSource === 'mappings' && assignment && (assignment.role !== user.role || assignment.tenantId !== user.tenantId)) {
      await this.apply(user.id, assignment);
      changed = true;
    }
    let reactivated = false;
    if (user.status !== 'active' && link.syncDisabled) {
      await this.users.setStatus(user.id, 'active');
      reactivated = true;
    }
    const groupsChanged = JSON.stringify(link.groups) !== JSON.stringify(account!.groups);
    await this.db.tx((m) =>
      m.update(
        ExternalIdentityEntity,
        { id: link.id },
        {
          lastSyncAt: now,
          groups: account!.groups,
          email: account!.email,
          externalUsername: account!.username,
          subject: account!.subject,
          syncDisabled: false,
        },
      ),
    );
    return reactivated ? 'reactivated' : changed || groupsChanged ? 'updated' : 'unchanged';
  }

  private async assignment(p: IdentityProviderEntity, groups: string[]): Promise<RoleAssignment | null> {
    return resolveAssignment(groups, await this.providers.rules(p.id), this.providers.fallback(p));
  }

  private async apply(userId: string, a: RoleAssignment): Promise<void> {
    const u = await this.users.get(userId);
    if (u.role !== a.role || u.tenantId !== a.tenantId) await this.users.assignRoleAndTenant(userId, a.role, a.tenantId);
  }

  private async createLinked(
    p: IdentityProviderEntity,
    account: ExternalAccount,
    a: RoleAssignment,
    roleSource: RoleSource,
    via: 'login' | 'import',
  ): Promise<UserView> {
    const fail = (msg: string) => (via === 'login' ? new AuthError('SsoLoginFailed', msg) : new DomainError('InvalidInput', msg));
    let user: UserView;
    try {
      user = await this.users.create({
        username: account.username,
        role: a.role,
        tenant: a.tenantId,
        ...(account.email && EMAIL.test(account.email) && account.email.length <= 254 ? { email: account.email } : {}),
      });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'UserAlreadyExists') {
        throw fail(
          `A local user named ${account.username} already exists and is not linked to ${p.name}; an administrator must rename or remove it first.`,
        );
      }
      if (err instanceof DomainError && err.code === 'InvalidInput')
        throw fail(`${p.name} gave the username ${JSON.stringify(account.username)}, which this server cannot use: ${err.message}`);
      throw err;
    }
    const now = this.clock.now().getTime();
    await this.db.tx((m) =>
      m.insert(ExternalIdentityEntity, {
        id: this.ids.uuid(),
        providerId: p.id,
        subject: account.subject,
        userId: user.id,
        externalUsername: account.username,
        email: account.email,
        groups: account.groups,
        roleSource,
        syncDisabled: false,
        lastLoginAt: via === 'login' ? now : null,
        lastSyncAt: null,
        createdAt: now,
      }),
    );
    this.logger.log(`${user.username} created from ${p.name} as ${a.role}${a.tenantId ? ` of tenant ${user.tenantName}` : ''}`);
    return user;
  }

  private async userExists(userId: string): Promise<boolean> {
    return this.users.get(userId).then(
      () => true,
      (err) => {
        if (err instanceof DomainError && err.code === 'UserNotFound') return false;
        throw err;
      },
    );
  }
}

function noRole(p: IdentityProviderEntity, account: ExternalAccount): AuthError {
  const groups = account.groups.length > 0 ? account.groups.join(', ') : 'none';
  return new AuthError(
    'NoRoleMapping',
    `${account.username} has no role here: none of their groups at ${p.name} (${groups}) is mapped to a role on this server. Ask an administrator to add a group mapping.`,
    { groups: account.groups },
  );
}
