import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { IamModule } from '../iam/iam.module';
import { masterSecretBox } from '../iam/master-key';
import { SecretBox } from '../iam/secret-box';
import { TenantsModule } from '../tenants/tenants.module';
import { IdentityProvidersService } from './identity-providers.service';
import { IdpAccountsService } from './idp-accounts.service';
import { IdpSyncService } from './idp-sync.service';
import { LdapAuthenticator } from './ldap-authenticator';
import { OidcLoginService } from './oidc-login.service';

/**
 * Identity providers: OIDC single sign-on for the console, LDAP / Active Directory logins,
 * imports and syncs, and group → role/tenant mappings. No HTTP here (see console/).
 */
@Module({
  imports: [AuthModule, IamModule, TenantsModule],
  providers: [
    { provide: SecretBox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => masterSecretBox(config) },
    IdentityProvidersService,
    IdpAccountsService,
    OidcLoginService,
    LdapAuthenticator,
    IdpSyncService,
  ],
  exports: [IdentityProvidersService, IdpAccountsService, OidcLoginService, IdpSyncService],
})
export class IdpModule {}
