import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresCapability } from '../common/auth/access.decorators';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { EndpointStatsDto, EndpointStatsQueryDto } from './dto/endpoint-stats.dto';
import { EndpointStatsService } from './endpoint-stats.service';

@ApiTags('Endpoints')
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints/:endpointId/stats')
export class EndpointStatsController {
  constructor(private readonly stats: EndpointStatsService) {}

  @Get()
  @ApiOperation({
    summary: "An endpoint's attempts per minute (succeeded, failed, latency), last 24 h by default",
    description:
      'Read from per-minute counters the worker keeps (48 hours of them), not from the attempt log.',
  })
  @ApiOkResponse({ type: EndpointStatsDto })
  // An endpoint-limited portal session reaches only its listed endpoints (the guard checks).
  @RequiresCapability('deliveries:read')
  get(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Query() query: EndpointStatsQueryDto,
  ): Promise<EndpointStatsDto> {
    return this.stats.forEndpoint(appId, endpointId, query);
  }
}
