import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { PortalSessionOnly } from '../../common/auth/access.decorators';
import { CurrentCredential } from '../access/credential.params';
import type { Credential } from '../credentials/credential';
import { PortalSessionInfoDto } from './portal-session-info.dto';
import { PortalSessionsService } from './portal-sessions.service';

@ApiTags('Portal')
@ApiErrors()
@Controller('api/v1/portal/session')
export class PortalSessionInfoController {
  constructor(private readonly sessions: PortalSessionsService) {}

  @Get()
  @PortalSessionOnly()
  @ApiOperation({
    summary:
      "The calling portal session: its app's display info (theming), capabilities, endpoints and expiry",
  })
  @ApiOkResponse({ type: PortalSessionInfoDto })
  get(@CurrentCredential() credential: Credential): Promise<PortalSessionInfoDto> {
    return this.sessions.info(credential);
  }
}
