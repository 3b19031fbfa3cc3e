import { Get, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { SecurityStatus, SecurityStatusService } from '../../security/security-status.service';
import { ConsoleAccess } from '../console-access';
import { ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import type { ConsoleRequest } from '../http/console-request';
import { ok } from '../http/responses';

/** The security overview: global admins see the server, tenant admins their tenant (without the server-wide facts). */
@ConsoleController('security', 'security')
@Roles('admin', 'tenant-admin')
export class SecurityController {
  constructor(
    private readonly security: SecurityStatusService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get('status')
  @ApiOperation({ summary: '2FA adoption, locked accounts, keys unused for 90 days, public buckets, master key, root credentials, TLS' })
  async status(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest) {
    const tenantId = await this.access.tenantScope(p);
    const secure = req.secure || req.get('x-forwarded-proto') === 'https';
    return ok(toSecurityStatusDto(await this.security.status(tenantId, secure)));
  }
}

function toSecurityStatusDto(s: SecurityStatus) {
  const user = (u: { id: string; username: string; role: string; tenantId: string | null }) => ({
    id: u.id,
    username: u.username,
    role: u.role,
    tenant_id: u.tenantId,
  });
  return {
    scope: s.tenantId === undefined ? 'global' : 'tenant',
    tenant_id: s.tenantId ?? null,
    two_factor: {
      total_users: s.users.total,
      with_2fa: s.users.withTwoFactor,
      without_2fa: s.users.withoutTwoFactor,
      adoption_percent: s.users.adoptionPercent,
      admins_without_2fa: s.users.adminsWithoutTwoFactor,
      users_without_2fa: s.users.withoutTwoFactorList.map(user),
    },
    locked_accounts: s.lockedAccounts.map((u) => ({ ...user(u), locked_until: u.lockedUntil.toISOString() })),
    stale_access_keys: {
      threshold_days: s.staleAccessKeys.thresholdDays,
      count: s.staleAccessKeys.count,
      keys: s.staleAccessKeys.keys.map((k) => ({
        access_key_id: k.accessKeyId,
        user_id: k.userId,
        username: k.username,
        created_at: k.createdAt.toISOString(),
        last_used_at: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
      })),
    },
    public_buckets: s.publicBuckets.map((b) => ({ name: b.name, tenant_id: b.tenantId, via: b.via })),
    ...(s.server
      ? {
          master_key: { source: s.server.masterKey },
          transport: {
            tls_terminated_by_server: s.server.transport.tlsTerminatedByServer,
            request_secure: s.server.transport.requestSecure,
            public_url_https: s.server.transport.publicUrlHttps,
            note: 'The server speaks plain HTTP on both ports; terminate TLS in a reverse proxy or load balancer in front of it.',
          },
          root_credentials: {
            source: s.server.rootCredentials.source,
            default_in_use: s.server.rootCredentials.defaultInUse,
            password_set: s.server.rootCredentials.passwordSet,
            two_factor_enabled: s.server.rootCredentials.twoFactorEnabled,
          },
          maintenance_mode: s.server.maintenanceMode,
          login_lockout: { max_failures: s.server.loginLockout.maxFailures, lockout_seconds: s.server.loginLockout.lockoutSeconds },
        }
      : {}),
    findings: s.findings,
  };
}
