import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthKeys } from '../../auth/auth-keys';
import { AuthService, TOKEN_ALGORITHM, TOKEN_ISSUER } from '../../auth/auth.service';
import type { ConsolePrincipal, ConsoleTokenClaims } from '../../auth/auth.types';
import { CONSOLE_JWT_STRATEGY } from '../console.constants';

/** passport-jwt: `Authorization: Bearer <token>`, HS256, our issuer, not expired; then revocation and account checks. */
@Injectable()
export class ConsoleJwtStrategy extends PassportStrategy(Strategy, CONSOLE_JWT_STRATEGY) {
  constructor(
    keys: AuthKeys,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: keys.jwt,
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<ConsoleTokenClaims>): Promise<ConsolePrincipal> {
    return this.auth.authenticate(claims);
  }
}
