import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { decodeCursor, Page, pageLimit, PageQueryDto, toPage } from '../common/pagination';
import { EndpointStatsRepository } from '../endpoint-stats/endpoint-stats.repository';
import { minuteOf } from '../endpoint-stats/minute-counts';
import { QueueStatsRepository } from '../queue/queue-stats.repository';
import { AttemptRatesDto, OverviewDto, TroubledEndpointDto } from './dto/overview.dto';
import { TroubledEndpointsRepository } from './troubled-endpoints.repository';

const FIVE_MINUTES_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;

@Injectable()
export class OverviewService {
  constructor(
    private readonly queue: QueueStatsRepository,
    private readonly stats: EndpointStatsRepository,
    private readonly troubled: TroubledEndpointsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The queue snapshot (index-only counts) and attempt rates from the per-minute counters. */
  async overview(): Promise<OverviewDto> {
    const now = this.clock.now();
    const [snapshot, lastFiveMinutes, lastHour] = await Promise.all([
      this.queue.snapshot(now),
      this.rates(now, FIVE_MINUTES_MS),
      this.rates(now, HOUR_MS),
    ]);
    return {
      queue: {
        due: snapshot.due,
        scheduled: snapshot.scheduled,
        delivering: snapshot.leased,
        oldestDueAgeSeconds: Math.round(snapshot.oldestDueAgeSeconds),
      },
      lastFiveMinutes,
      lastHour,
      openCircuits: snapshot.openCircuits,
      disabledEndpoints: snapshot.disabledEndpoints,
      generatedAt: now.toISOString(),
    };
  }

  async troubledEndpoints(query: PageQueryDto): Promise<Page<TroubledEndpointDto>> {
    const limit = pageLimit(query);
    const rows = await this.troubled.page(this.clock.now(), decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (r) => r.id,
      (r) => TroubledEndpointDto.from(r),
    );
  }

  /** Whole minutes: the window ends with the current (partial) minute. */
  private async rates(now: Date, windowMs: number): Promise<AttemptRatesDto> {
    const until = new Date(minuteOf(now).getTime() + 60_000);
    const totals = await this.stats.totals(new Date(until.getTime() - windowMs), until);
    const count = totals.succeeded + totals.failed;
    return {
      windowSeconds: windowMs / 1000,
      succeeded: totals.succeeded,
      failed: totals.failed,
      perSecond: Math.round((count / (windowMs / 1000)) * 1000) / 1000,
      failureRate: count === 0 ? 0 : Math.round((totals.failed / count) * 10_000) / 10_000,
    };
  }
}
