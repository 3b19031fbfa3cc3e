import { Body, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthError } from '../../auth/auth.errors';
import { AuthService } from '../../auth/auth.service';
import type { ConsolePrincipal, Session } from '../../auth/auth.types';
import { BACKUP_CODE_COUNT, TOTP_ISSUER, TwoFactorService } from '../../auth/two-factor.service';
import { UsersService } from '../../iam/users.service';
import { ConsoleAccess } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, NoAudit, Public } from '../decorators';
import { DisableTwoFactorDto, LoginDto, TwoFactorCodeDto } from '../dto/auth.dto';
import { toUserDto } from '../dto/user.dto';
import { LoginRateLimitGuard } from '../guards/login-rate-limit.guard';
import { noteAudit } from '../http/console-request';
import { ok } from '../http/responses';

const sessionDto = (s: Session) => ({
  token: s.token,
  token_type: 'Bearer',
  expires_in: s.expiresIn,
  expires_at: s.expiresAt.toISOString(),
  user: toUserDto(s.user),
});

/** Login, logout, token renewal, the current user, and TOTP two-factor authentication. */
@ConsoleController('auth', 'auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
    private readonly users: UsersService,
    private readonly access: ConsoleAccess,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(LoginRateLimitGuard)
  @HttpCode(200)
  @Audit(R.auth, A.login)
  @ApiOperation({
    summary: 'Log in: username + password (+ totp_code with 2FA). Root: username = its access key, password = its secret key',
  })
  async login(@Body() dto: LoginDto, @Req() req: Request) {
    const session = await this.auth.login({
      username: dto.username,
      password: dto.password,
      totpCode: dto.totp_code ?? dto.totpCode,
      provider: dto.provider,
    });
    noteAudit(req, { userId: session.user.id, username: session.user.username, tenantId: session.user.tenantId });
    return ok(sessionDto(session));
  }

  @Post('logout')
  @HttpCode(200)
  @Audit(R.auth, A.logout)
  @ApiOperation({ summary: 'Revoke the current token' })
  async logout(@CurrentPrincipal() p: ConsolePrincipal) {
    await this.auth.revoke(p);
    return ok({ logged_out: true }, { message: 'Logged out' });
  }

  @Post('refresh')
  @HttpCode(200)
  @Audit(R.auth, A.refresh)
  @ApiOperation({ summary: 'A new token for the current (valid) one, which is revoked' })
  async refresh(@CurrentPrincipal() p: ConsolePrincipal) {
    return ok(sessionDto(await this.auth.refresh(p)));
  }

  @Get('me')
  @ApiOperation({ summary: 'The current user' })
  async me(@CurrentPrincipal() p: ConsolePrincipal) {
    const user = toUserDto(await this.users.get(p.userId));
    return ok(user, { user });
  }

  // ---- two-factor authentication (always the caller's own, except an administrator's reset) ----

  @Post('2fa/setup')
  @HttpCode(200)
  @Audit(R.twoFactor, A.setup)
  @ApiOperation({ summary: 'Start 2FA setup: a new TOTP secret, its otpauth URL and QR code' })
  async setup(@CurrentPrincipal() p: ConsolePrincipal) {
    const s = await this.twoFactor.setup(p.userId);
    return ok({ secret: s.secret, otpauth_url: s.otpauthUrl, qr_code: s.qrCode, issuer: TOTP_ISSUER, account: p.username });
  }

  @Post('2fa/verify')
  @HttpCode(200)
  @Audit(R.twoFactor, A.enable)
  @ApiOperation({ summary: 'Enable 2FA with a valid code for the secret of setup; answers the backup codes, once' })
  async verify(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: TwoFactorCodeDto) {
    const backupCodes = await this.twoFactor.enable(p.userId, dto.code);
    return ok({ enabled: true, backup_codes: backupCodes });
  }

  @Post('2fa/validate')
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @Audit(R.twoFactor, A.validate)
  @ApiOperation({ summary: 'Check a TOTP code against your active 2FA (400 when it does not match)' })
  async validate(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: TwoFactorCodeDto) {
    if (!(await this.twoFactor.validate(p.userId, dto.code))) {
      throw new AuthError('InvalidVerificationCode', 'Invalid 2FA code', { valid: false });
    }
    return ok({ valid: true });
  }

  @Post('2fa/disable')
  @HttpCode(200)
  @Audit(R.twoFactor, A.disable)
  @ApiOperation({ summary: "Disable your 2FA with a TOTP or backup code; administrators may reset a user's with user_id" })
  async disable(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: DisableTwoFactorDto, @Req() req: Request) {
    if (dto.user_id !== undefined && dto.user_id !== p.userId && dto.user_id !== p.username) {
      const user = await this.access.manageableUser(p, dto.user_id);
      noteAudit(req, { resourceName: user.username });
      await this.twoFactor.disable(user.id);
    } else {
      if (dto.code === undefined)
        throw new AuthError('InvalidVerificationCode', 'code is required: a current TOTP code or an unused backup code');
      await this.twoFactor.disableWithCode(p.userId, dto.code);
    }
    return ok({ enabled: false });
  }

  @Get('2fa/status')
  @NoAudit()
  @ApiOperation({ summary: 'Whether your 2FA is enabled, and how many backup codes are left' })
  async status(@CurrentPrincipal() p: ConsolePrincipal) {
    const s = await this.twoFactor.status(p.userId);
    return ok({ enabled: s.enabled, backup_codes_remaining: s.backupCodesRemaining });
  }

  @Get('2fa/backup-codes')
  @ApiOperation({ summary: 'How many unused backup codes are left (the codes are shown only when generated)' })
  async backupCodes(@CurrentPrincipal() p: ConsolePrincipal) {
    const s = await this.twoFactor.status(p.userId);
    return ok({ enabled: s.enabled, remaining: s.backupCodesRemaining, total: BACKUP_CODE_COUNT });
  }

  @Post('2fa/backup-codes')
  @HttpCode(200)
  @Audit(R.twoFactor, A.regenerateBackupCodes)
  @ApiOperation({ summary: 'Replace every backup code; the new ones are answered once' })
  async regenerateBackupCodes(@CurrentPrincipal() p: ConsolePrincipal) {
    const codes = await this.twoFactor.regenerateBackupCodes(p.userId);
    return ok({ backup_codes: codes, remaining: codes.length });
  }
}
