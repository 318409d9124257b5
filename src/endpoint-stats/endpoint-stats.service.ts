import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { ValidationError } from '../common/errors/domain-error';
import { EndpointsService } from '../endpoints/endpoints.service';
import { EndpointStatsDto, EndpointStatsQueryDto, MinuteStatsDto } from './dto/endpoint-stats.dto';
import { EndpointStatsRepository } from './endpoint-stats.repository';
import { statsWindow } from './stats-window';

@Injectable()
export class EndpointStatsService {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly repository: EndpointStatsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async forEndpoint(
    appIdOrUid: string,
    endpointId: string,
    query: EndpointStatsQueryDto,
  ): Promise<EndpointStatsDto> {
    const window = statsWindow(this.clock.now(), query.since, query.until);
    if (!window.ok)
      throw new ValidationError(window.message, [{ field: window.field, message: window.message }]);
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    const minutes = await this.repository.series(endpoint.id, window.since, window.until);
    return {
      endpointId: endpoint.id,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      bucketSeconds: 60,
      succeeded: minutes.reduce((n, m) => n + m.succeeded, 0),
      failed: minutes.reduce((n, m) => n + m.failed, 0),
      data: minutes.map((m) => MinuteStatsDto.from(m)),
    };
  }
}
