import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { RequiresCapability } from '../common/auth/access.decorators';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorResponseDto } from '../common/openapi/api-errors.decorator';
import { RoutingTestDto, RoutingTestResultDto } from './dto/subscription.dto';
import { RoutingTestService } from './routing-test.service';

@ApiTags('Subscriptions')
@ApiErrors()
@Controller('api/v1/apps/:appId/subscriptions/test')
export class RoutingTestController {
  constructor(private readonly routing: RoutingTestService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Which endpoints (and subscriptions) would receive a message of this type and payload',
  })
  @ApiOkResponse({ type: RoutingTestResultDto })
  @ApiResponse({
    status: 413,
    description: 'payload larger than MAX_PAYLOAD_BYTES',
    type: ErrorResponseDto,
  })
  @RequiresCapability('events:test')
  test(@Param('appId') appId: string, @Body() dto: RoutingTestDto): Promise<RoutingTestResultDto> {
    return this.routing.explain(appId, dto);
  }
}
