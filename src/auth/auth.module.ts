import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { IamModule } from '../iam/iam.module';
import { AuthKeys } from './auth-keys';
import { AuthService } from './auth.service';
import { TwoFactorService } from './two-factor.service';

/** Console authentication: login, lockout, tokens and their revocation, TOTP 2FA. No HTTP here (see console/). */
@Module({
  imports: [IamModule],
  providers: [
    { provide: AuthKeys, inject: [APP_CONFIG], useFactory: (config: AppConfig) => AuthKeys.from(config) },
    AuthService,
    TwoFactorService,
  ],
  exports: [AuthService, TwoFactorService, AuthKeys],
})
export class AuthModule {}
