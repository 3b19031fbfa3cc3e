import { Body, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CALLBACK_PATH, OidcLoginService } from '../../idp/oidc-login.service';
import { IdentityProvidersService } from '../../idp/identity-providers.service';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, NoAudit, Public } from '../decorators';
import { StartOAuthLoginDto, StartOAuthLoginQueryDto, toSessionDto } from '../dto/oauth.dto';
import { LoginRateLimitGuard } from '../guards/login-rate-limit.guard';
import { noteAudit } from '../http/console-request';
import { ok } from '../http/responses';

/** The binding cookies live on the oauth routes only. */
const COOKIE_PATH = CALLBACK_PATH.replace(/\/callback$/, '');

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a cookie that is not ours
    }
  }
  return out;
}

/**
 * OpenID Connect single sign-on of the console (MaxIOFS "OAuth / SSO" routes). The browser flow:
 * POST login (JSON with the provider's URL, or a 302 to it) → the provider → GET callback (302 to
 * complete, or to the console page given as return_to) → GET complete?ticket= → the console token.
 */
@ConsoleController('auth/oauth', 'auth')
export class OAuthController {
  constructor(
    private readonly oidc: OidcLoginService,
    private readonly providers: IdentityProvidersService,
  ) {}

  @Get('providers')
  @Public()
  @NoAudit()
  @ApiOperation({ summary: 'Active OIDC providers, for the login page' })
  async list() {
    const list = (await this.providers.activeOidc()).map((p) => ({
      id: p.id,
      name: p.name,
      display_name: p.displayName,
      type: 'oidc',
      tenant_id: p.tenantId,
      login_url: `${COOKIE_PATH}/login?provider=${encodeURIComponent(p.id)}&redirect=1`,
    }));
    return ok(list, { providers: list });
  }

  @Post('login')
  @Public()
  @UseGuards(LoginRateLimitGuard)
  @HttpCode(200)
  @Audit(R.auth, A.ssoStart)
  @ApiOperation({
    summary:
      'Start an OIDC login (Authorization Code + PKCE, state, nonce): JSON with authorization_url, or 302 with ?redirect=1 or a browser Accept',
  })
  async login(@Body() dto: StartOAuthLoginDto, @Query() q: StartOAuthLoginQueryDto, @Req() req: Request, @Res() res: Response) {
    const provider = dto.provider ?? dto.provider_id ?? q.provider ?? q.provider_id ?? '';
    const started = await this.oidc.start({
      provider,
      returnTo: dto.return_to ?? q.return_to,
      requestOrigin: `${req.protocol}://${req.get('host')}`,
    });
    noteAudit(req, { resourceName: started.provider.name });
    res.cookie(started.cookie.name, started.cookie.value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: COOKIE_PATH,
      maxAge: started.cookie.maxAgeSeconds * 1000,
    });
    const wantsRedirect = dto.redirect ?? q.redirect ?? req.accepts(['json', 'html']) === 'html';
    if (wantsRedirect) {
      res.redirect(302, started.authorizationUrl);
      return;
    }
    res.status(200).json(
      ok({
        authorization_url: started.authorizationUrl,
        auth_url: started.authorizationUrl,
        state: started.state,
        provider: started.provider,
        redirect_uri: started.redirectUri,
        expires_at: started.expiresAt.toISOString(),
      }),
    );
  }

  @Get('callback')
  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Audit(R.auth, A.ssoCallback)
  @ApiOperation({
    summary: "The provider's redirect: validates state, code, ID token; 302 to complete?ticket=… (or to return_to?sso_ticket=…)",
  })
  async callback(@Req() req: Request, @Res() res: Response) {
    const done = await this.oidc.callback(req.query as Record<string, unknown>, parseCookies(req.headers.cookie));
    noteAudit(req, { userId: done.userId, username: done.username });
    res.clearCookie(done.clearCookie, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: req.secure });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, done.location);
  }

  @Get('complete')
  @Public()
  @UseGuards(LoginRateLimitGuard)
  @Audit(R.auth, A.ssoLogin)
  @ApiOperation({ summary: 'Exchange the one-time ticket of a finished SSO login for the console token (once, within 60 s)' })
  async complete(@Query('ticket') ticket: string | undefined, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const session = await this.oidc.complete(typeof ticket === 'string' ? ticket : '');
    noteAudit(req, { userId: session.user.id, username: session.user.username, tenantId: session.user.tenantId });
    res.setHeader('Cache-Control', 'no-store');
    return ok(toSessionDto(session));
  }
}
