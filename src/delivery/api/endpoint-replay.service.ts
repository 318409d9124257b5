import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { ConflictError, ValidationError } from '../../common/errors/domain-error';
import { idFloorAt, newId, timeOfId } from '../../common/ids';
import { EndpointsService } from '../../endpoints/endpoints.service';
import { EnqueueRepository } from '../../queue/enqueue.repository';
import { QueueReadsRepository, type ReplayCandidate } from '../../queue/queue-reads.repository';
import { AppRoutingCache } from '../../routing/app-routing.cache';
import { ReplayDto, ReplayResultDto } from './dto/endpoint-tools.dto';

/** Messages looked at per call: bounds the statement, the JSON parsing and the inserted rows. */
export const REPLAY_PAGE_MESSAGES = 1000;
/** When one millisecond holds more than a page (a big batch), it is taken whole, up to this. */
const REPLAY_MILLISECOND_MAX = 100_000;

/**
 * Backfills an endpoint: deliveries for the app's messages in [since, until) that its
 * subscriptions match now and that it has no delivery for yet (test messages excluded). Work
 * per call is one page of messages; `nextSince` continues. Pages are cut at a millisecond
 * boundary (messages are paged by their time-ordered ids), so `nextSince` as a time loses
 * nothing: re-reading the cut millisecond's messages is harmless, as messages that already
 * have a delivery are skipped. Replayed deliveries are held outside the due queue and released
 * by the workers' sweep a batch at a time (REPLAY_RELEASE_BATCH) while the endpoint has little
 * due, so a backfill never sits in the due queue ahead of live messages.
 */
@Injectable()
export class EndpointReplayService {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly reads: QueueReadsRepository,
    private readonly enqueue: EnqueueRepository,
    private readonly routing: AppRoutingCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async replay(appIdOrUid: string, endpointId: string, dto: ReplayDto): Promise<ReplayResultDto> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    const dryRun = dto.dryRun ?? false;
    const now = this.clock.now();
    const since = new Date(dto.since).getTime();
    const until = dto.until === undefined ? now.getTime() : new Date(dto.until).getTime();
    if (until <= since) {
      const message = 'until must be after since';
      throw new ValidationError(message, [{ field: 'until', message }]);
    }
    if (endpoint.disabled && !dryRun)
      throw new ConflictError(
        'endpoint_disabled',
        `endpoint "${endpointId}" is disabled, so replayed deliveries would not be sent; re-enable it first`,
      );
    const { candidates, nextSince } = await this.page(endpoint.appId, endpoint.id, since, until);
    const matcher = await this.routing.matcherFor(endpoint.appId);
    const wanted = candidates.filter(
      (m) =>
        !m.test &&
        !m.delivered &&
        matcher
          .match(m.eventType, JSON.parse(m.payloadText) as unknown)
          .some((match) => match.endpointId === endpoint.id),
    );
    let count = wanted.length;
    if (!dryRun && wanted.length > 0) {
      count = await this.enqueue.insertReplayDeliveries(
        endpoint.appId,
        endpoint.id,
        wanted.map((m) => ({ id: newId('dlv', now.getTime()), messageId: m.id })),
        now,
      );
    }
    return {
      count,
      nextSince: nextSince === null ? null : new Date(nextSince).toISOString(),
      scanned: candidates.length,
      dryRun,
    };
  }

  /** One page of [since, until), cut at a millisecond boundary, and where the next one starts. */
  private async page(
    appId: string,
    endpointId: string,
    since: number,
    until: number,
  ): Promise<{ candidates: ReplayCandidate[]; nextSince: number | null }> {
    const fromId = idFloorAt('msg', since);
    const toId = idFloorAt('msg', until);
    const rows = await this.reads.replayPage(
      appId,
      endpointId,
      fromId,
      toId,
      REPLAY_PAGE_MESSAGES + 1,
    );
    if (rows.length <= REPLAY_PAGE_MESSAGES) return { candidates: rows, nextSince: null };
    const cut = timeOfId(rows[REPLAY_PAGE_MESSAGES].id);
    const before = rows.filter((r) => timeOfId(r.id) < cut);
    if (before.length > 0) return { candidates: before, nextSince: cut };
    // The whole page is one millisecond: take that millisecond whole and move past it.
    const end = Math.min(cut + 1, until);
    const millisecond = await this.reads.replayPage(
      appId,
      endpointId,
      idFloorAt('msg', cut),
      idFloorAt('msg', end),
      REPLAY_MILLISECOND_MAX,
    );
    return { candidates: millisecond, nextSince: end < until ? end : null };
  }
}
