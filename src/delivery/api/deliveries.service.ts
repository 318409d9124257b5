import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../../apps/apps.service';
import { CLOCK, type Clock } from '../../common/clock';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { isId } from '../../common/ids';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../../common/pagination';
import { QueueReadsRepository } from '../../queue/queue-reads.repository';
import { RequeueRepository } from '../../queue/requeue.repository';
import { DeliveriesRepository } from './deliveries.repository';
import { AttemptPageQueryDto, AttemptResponseDto, DeliveryResponseDto } from './dto/delivery.dto';

@Injectable()
export class DeliveriesService {
  constructor(
    private readonly apps: AppsService,
    private readonly deliveries: DeliveriesRepository,
    private readonly reads: QueueReadsRepository,
    private readonly requeues: RequeueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async listForMessage(
    appIdOrUid: string,
    messageId: string,
    query: PageQueryDto,
    scope: readonly string[] | null = null,
  ): Promise<Page<DeliveryResponseDto>> {
    await this.message(appIdOrUid, messageId);
    const limit = pageLimit(query);
    const rows = await this.reads.deliveriesOfMessage(
      messageId,
      limit,
      decodeCursor(query.cursor, (k) => isId('dlv', k)),
      scope,
    );
    return toPage(rows, limit, (r) => r.id, DeliveryResponseDto.from);
  }

  async attemptsForMessage(
    appIdOrUid: string,
    messageId: string,
    query: PageQueryDto,
    scope: readonly string[] | null = null,
  ): Promise<Page<AttemptResponseDto>> {
    await this.message(appIdOrUid, messageId);
    const limit = pageLimit(query);
    const rows = await this.reads.attemptsOfMessage(
      messageId,
      limit,
      decodeCursor(query.cursor, (k) => isId('atmpt', k)),
      scope,
    );
    return toPage(rows, limit, (r) => r.id, AttemptResponseDto.from);
  }

  async attemptsForEndpoint(
    appIdOrUid: string,
    endpointId: string,
    query: AttemptPageQueryDto,
  ): Promise<Page<AttemptResponseDto>> {
    await this.endpoint(appIdOrUid, endpointId);
    const limit = pageLimit(query);
    const succeeded = query.status === undefined ? null : query.status === 'succeeded';
    const rows = await this.reads.attemptsOfEndpoint(
      endpointId,
      succeeded,
      limit,
      decodeCursor(query.cursor, (k) => isId('atmpt', k)),
    );
    return toPage(rows, limit, (r) => r.id, AttemptResponseDto.from);
  }

  /** `scope`: an endpoint-limited session sees only its endpoints' deliveries. */
  async retry(
    appIdOrUid: string,
    deliveryId: string,
    scope: readonly string[] | null = null,
  ): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    const delivery = await this.reads.findDelivery(app.id, deliveryId);
    if (!delivery || (scope !== null && !scope.includes(delivery.endpoint_id)))
      throw new NotFoundError('delivery', deliveryId);
    if (delivery.status === 'cancelled')
      throw new ConflictError(
        'delivery_cancelled',
        `delivery "${deliveryId}" was cancelled (its endpoint was deleted)`,
      );
    const outcome = await this.requeues.requeue(
      delivery.id,
      delivery.endpoint_id,
      this.clock.now(),
    );
    if (outcome === 'endpoint_disabled') throw endpointDisabled(delivery.endpoint_id, 'retried');
    if (outcome === 'in_flight') {
      throw new ConflictError(
        'delivery_in_flight',
        `delivery "${deliveryId}" is being sent right now; retry after it finishes`,
      );
    }
  }

  async recover(appIdOrUid: string, endpointId: string, since: Date): Promise<number> {
    await this.endpoint(appIdOrUid, endpointId);
    const requeued = await this.requeues.requeueFailed(endpointId, since, this.clock.now());
    if (requeued === null) throw endpointDisabled(endpointId, 'recovered');
    return requeued;
  }

  private async message(appIdOrUid: string, messageId: string): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    if (!(await this.deliveries.messageExists(app.id, messageId)))
      throw new NotFoundError('message', messageId);
  }

  private async endpoint(appIdOrUid: string, endpointId: string): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    if (!(await this.deliveries.endpointExists(app.id, endpointId)))
      throw new NotFoundError('endpoint', endpointId);
  }
}

/** Nothing is sent to a disabled endpoint, so a re-queue would be accepted and never happen. */
function endpointDisabled(endpointId: string, what: 'retried' | 'recovered'): ConflictError {
  return new ConflictError(
    'endpoint_disabled',
    `endpoint "${endpointId}" is disabled, so its deliveries cannot be ${what}; re-enable it (PATCH {"disabled": false}), which also resumes its pending deliveries`,
  );
}
