import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { AdminOnly } from '../../common/auth/access.decorators';
import { CreatePortalSessionDto, PortalSessionResponseDto } from './portal-session.dto';
import { PortalSessionsService } from './portal-sessions.service';

@ApiTags('Portal')
@ApiErrors()
@AdminOnly()
@Controller('api/v1/apps/:appId/portal-sessions')
export class PortalSessionsController {
  constructor(private readonly sessions: PortalSessionsService) {}

  @Post()
  @ApiOperation({
    summary: "Mint a portal session for one app's customer (from your backend, with an admin key)",
  })
  @ApiCreatedResponse({ type: PortalSessionResponseDto })
  create(
    @Param('appId') appId: string,
    @Body() dto: CreatePortalSessionDto,
  ): Promise<PortalSessionResponseDto> {
    return this.sessions.create(appId, dto);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a portal session before it expires (every process, at once)' })
  @ApiNoContentResponse()
  revoke(@Param('appId') appId: string, @Param('sessionId') id: string): Promise<void> {
    return this.sessions.revoke(appId, id);
  }
}
