import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/access.decorators';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { Page, PageQueryDto } from '../common/pagination';
import { OverviewDto, TroubledEndpointDto, TroubledEndpointPageDto } from './dto/overview.dto';
import { OverviewService } from './overview.service';

@ApiTags('Overview')
/** Spans every app: admin keys only. */
@AdminOnly()
@ApiErrors()
@Controller('api/v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @ApiOperation({
    summary: 'Queue health: pending deliveries, oldest due age, attempt rates and failure rate',
  })
  @ApiOkResponse({ type: OverviewDto })
  get(): Promise<OverviewDto> {
    return this.overview.overview();
  }

  @Get('troubled-endpoints')
  @ApiOperation({ summary: 'Endpoints of every app that are disabled or have an open circuit' })
  @ApiOkResponse({ type: TroubledEndpointPageDto })
  troubled(@Query() query: PageQueryDto): Promise<Page<TroubledEndpointDto>> {
    return this.overview.troubledEndpoints(query);
  }
}
