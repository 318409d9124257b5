import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AppsCoreModule } from '../apps/apps-core.module';
import { AccessDeclarationsCheck } from './access/access-declarations.check';
import { AuthorizationGuard } from './access/authorization.guard';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { CredentialResolver } from './credentials/credential-resolver';
import { PortalSessionsRepository } from './portal-sessions/portal-sessions.repository';

/**
 * Authorisation for every role: the global guard, credential resolution and the start-up
 * check that every route declares its access. No routes (a worker process imports it).
 */
@Module({
  imports: [DiscoveryModule, AppsCoreModule],
  providers: [
    ApiKeysRepository,
    PortalSessionsRepository,
    CredentialResolver,
    AccessDeclarationsCheck,
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
  exports: [ApiKeysRepository, PortalSessionsRepository, CredentialResolver],
})
export class AuthCoreModule {}
