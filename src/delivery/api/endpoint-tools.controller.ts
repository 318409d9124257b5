import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresCapability } from '../../common/auth/access.decorators';
import { ApiErrors, ErrorResponseDto } from '../../common/openapi/api-errors.decorator';
import {
  ReplayDto,
  ReplayResultDto,
  TestEventAcceptedDto,
  TestEventDto,
  TestEventResultDto,
} from './dto/endpoint-tools.dto';
import { EndpointReplayService } from './endpoint-replay.service';
import { EndpointTestService } from './endpoint-test.service';

const DISABLED = {
  type: ErrorResponseDto,
  description: 'The endpoint is disabled (`endpoint_disabled`): re-enable it first.',
};

@ApiTags('Endpoints')
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints/:endpointId')
export class EndpointToolsController {
  constructor(
    private readonly tests: EndpointTestService,
    private readonly replays: EndpointReplayService,
  ) {}

  @Post('test')
  @RequiresCapability('events:test')
  @ApiOperation({
    summary:
      'Send one real, signed test event to this endpoint only (subscriptions ignored) and report the attempt',
  })
  @ApiOkResponse({
    type: TestEventResultDto,
    description: 'The first attempt finished within the delivery timeout.',
  })
  @ApiAcceptedResponse({
    type: TestEventAcceptedDto,
    description: 'Not attempted within the delivery timeout yet; see the attempt log.',
  })
  @ApiConflictResponse(DISABLED)
  async test(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: TestEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TestEventResultDto | TestEventAcceptedDto> {
    const result = await this.tests.send(appId, endpointId, dto);
    reply.status('outcome' in result ? 200 : 202);
    return result;
  }

  @Post('replay')
  @RequiresCapability('deliveries:retry')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Create deliveries to this endpoint for the app's messages in a time window that it matches now and has none for yet (bounded per call; continue with nextSince)",
  })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiConflictResponse(DISABLED)
  replay(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: ReplayDto,
  ): Promise<ReplayResultDto> {
    return this.replays.replay(appId, endpointId, dto);
  }
}
