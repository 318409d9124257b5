import { Module } from '@nestjs/common';
import { AppsCoreModule } from '../apps/apps-core.module';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthCoreModule } from './auth-core.module';
import { PortalSessionInfoController } from './portal-sessions/portal-session-info.controller';
import { PortalSessionsController } from './portal-sessions/portal-sessions.controller';
import { PortalSessionPurge } from './portal-sessions/portal-session-purge';
import { PortalSessionsService } from './portal-sessions/portal-sessions.service';

/** The routes of scoped credentials: portal sessions and app API keys (API role). */
@Module({
  imports: [AuthCoreModule, AppsCoreModule],
  controllers: [PortalSessionsController, PortalSessionInfoController, ApiKeysController],
  providers: [PortalSessionsService, ApiKeysService, PortalSessionPurge],
})
export class AuthModule {}
