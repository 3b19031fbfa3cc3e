import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { IdentityProviderEntity, SyncSummary } from './entities/identity-provider.entity';
import { ExternalAccount, IdpAccountsService, RefreshOutcome } from './idp-accounts.service';
import type { LdapSettings } from './idp-config';
import { IdentityProvidersService } from './identity-providers.service';
import { toExternalAccount } from './ldap-authenticator';
import { groupMatches } from './role-mapping';

export interface SyncResult {
  provider_id: string;
  mapping_id?: string;
  users: number;
  imported: number;
  updated: number;
  reactivated: number;
  deactivated: number;
  unchanged: number;
  errors: number;
}

/**
 * Group memberships → roles and tenants, on demand and every IDP_SYNC_INTERVAL_SECONDS. LDAP: each
 * linked user's entry is re-read (by DN, else by username after a move) and their groups re-mapped;
 * a user gone from the directory, or left with no mapped group, is deactivated (their access keys
 * stop working). OIDC has no directory to read: a sync re-applies the current mappings to the
 * groups each user had at their last login.
 */
@Injectable()
export class IdpSyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdpSyncService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly providers: IdentityProvidersService,
    private readonly accounts: IdpAccountsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.backgroundJobs || this.config.idpSyncIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.runScheduled(), this.config.idpSyncIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every active provider (what the schedule runs); runs do not overlap. */
  runScheduled(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (const p of await this.activeProviders()) {
          await this.syncProvider(p).catch((err) =>
            this.logger.warn(`sync of identity provider ${p.name} failed: ${err instanceof Error ? err.message : err}`),
          );
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Syncs every user linked to the provider. A directory that cannot be read changes nobody. */
  async syncProvider(p: IdentityProviderEntity): Promise<SyncResult> {
    const result = emptyResult(p.id);
    try {
      const links = await this.accounts.links(p.id);
      const dir = p.type === 'ldap' ? this.providers.directory(p) : null;
      for (const link of links) {
        result.users++;
        try {
          let account: ExternalAccount | null;
          if (dir) {
            const entry = (await dir.readUser(link.subject)) ?? (await dir.findUser(link.externalUsername));
            account = entry ? toExternalAccount(entry) : null;
          } else {
            account = { subject: link.subject, username: link.externalUsername, email: link.email, groups: link.groups };
          }
          count(result, await this.accounts.refresh(p, link, account));
        } catch (err) {
          // The directory itself failing stops the pass: better no change than wrong ones.
          if (err instanceof DomainError && err.code === 'IdentityProviderError') throw err;
          result.errors++;
          this.logger.warn(`sync of ${link.externalUsername} (${p.name}) failed: ${err instanceof Error ? err.message : err}`);
        }
      }
    } catch (err) {
      await this.providers.recordSync(p.id, { ...summary(result), error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    await this.providers.recordSync(p.id, summary(result));
    return result;
  }

  /**
   * Syncs one mapping. LDAP: the group's members are read; linked members are refreshed, and
   * members not yet here are imported when the provider creates users; users who had the group
   * but left it are refreshed too. OIDC: users whose last known groups include it are refreshed.
   */
  async syncMapping(p: IdentityProviderEntity, mapping: { id: string; externalGroup: string }): Promise<SyncResult> {
    const result: SyncResult = { ...emptyResult(p.id), mapping_id: mapping.id };
    const links = await this.accounts.links(p.id);
    const done = new Set<string>();
    if (p.type === 'ldap') {
      const dir = this.providers.directory(p);
      const members = await dir.groupMembers(mapping.externalGroup);
      if (members === null) throw new DomainError('InvalidInput', `group ${mapping.externalGroup} was not found in the directory`);
      const creates = (p.config as LdapSettings).auto_create_users;
      for (const m of members) {
        result.users++;
        const account = toExternalAccount(m);
        const link = await this.accounts.linkFor(p.id, account.subject);
        try {
          if (link) {
            done.add(link.id);
            count(result, await this.accounts.refresh(p, link, account));
          } else if (creates) {
            await this.accounts.importAccount(p, account);
            result.imported++;
          } else {
            result.unchanged++;
          }
        } catch (err) {
          result.errors++;
          this.logger.warn(`sync of ${account.username} (${p.name}) failed: ${err instanceof Error ? err.message : err}`);
        }
      }
      for (const link of links) {
        if (done.has(link.id) || !link.groups.some((g) => groupMatches(mapping.externalGroup, g))) continue;
        result.users++;
        const entry = (await dir.readUser(link.subject)) ?? (await dir.findUser(link.externalUsername));
        count(result, await this.accounts.refresh(p, link, entry ? toExternalAccount(entry) : null));
      }
    } else {
      for (const link of links) {
        if (!link.groups.some((g) => groupMatches(mapping.externalGroup, g))) continue;
        result.users++;
        const account = { subject: link.subject, username: link.externalUsername, email: link.email, groups: link.groups };
        count(result, await this.accounts.refresh(p, link, account));
      }
    }
    await this.providers.markMappingSynced(mapping.id);
    return result;
  }

  private async activeProviders(): Promise<IdentityProviderEntity[]> {
    const all = await Promise.all([this.providers.activeLdap(), this.providers.activeOidc()]);
    const oidc = await Promise.all(all[1].map((o) => this.providers.find(o.id)));
    return [...all[0], ...oidc.filter((p): p is IdentityProviderEntity => p !== null)];
  }
}

function emptyResult(providerId: string): SyncResult {
  return { provider_id: providerId, users: 0, imported: 0, updated: 0, reactivated: 0, deactivated: 0, unchanged: 0, errors: 0 };
}

function count(r: SyncResult, o: RefreshOutcome): void {
  if (o === 'removed') r.users--;
  else r[o]++;
}

function summary(r: SyncResult): SyncSummary {
  return {
    users: r.users,
    imported: r.imported,
    updated: r.updated,
    reactivated: r.reactivated,
    deactivated: r.deactivated,
    unchanged: r.unchanged,
    errors: r.errors,
  };
}
