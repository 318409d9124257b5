import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { NotFoundError } from '../common/errors/domain-error';
import { isId, newId } from '../common/ids';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/pagination';
import { EndpointsService } from '../endpoints/endpoints.service';
import { AppRoutingCache } from '../routing/app-routing.cache';
import {
  CreateSubscriptionDto,
  SubscriptionResponseDto,
  UpdateSubscriptionDto,
} from './dto/subscription.dto';
import { assertValidFilter } from '../subscription-model/subscription-rules';
import { SubscriptionEntity } from '../subscription-model/subscription.entity';
import { SubscriptionPatch, SubscriptionsRepository } from './subscriptions.repository';

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly endpoints: EndpointsService,
    private readonly routing: AppRoutingCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(
    appIdOrUid: string,
    endpointId: string,
    dto: CreateSubscriptionDto,
  ): Promise<SubscriptionEntity> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    assertValidFilter(dto.filter);
    const now = this.clock.now();
    const subscription: SubscriptionEntity = {
      id: newId('sub', now.getTime()),
      appId: endpoint.appId,
      endpointId: endpoint.id,
      eventTypes: dto.eventTypes,
      filter: dto.filter ?? null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.subscriptions.insert(subscription)))
      throw new NotFoundError('endpoint', endpointId);
    this.routing.invalidate(endpoint.appId);
    return subscription;
  }

  async list(
    appIdOrUid: string,
    endpointId: string,
    query: PageQueryDto,
  ): Promise<Page<SubscriptionResponseDto>> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    const limit = pageLimit(query);
    const rows = await this.subscriptions.list(
      endpoint.id,
      limit,
      decodeCursor(query.cursor, (k) => isId('sub', k)),
    );
    return toPage(rows, limit, (s) => s.id, SubscriptionResponseDto.from);
  }

  async get(
    appIdOrUid: string,
    endpointId: string,
    subscriptionId: string,
  ): Promise<SubscriptionEntity> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    const subscription = await this.subscriptions.find(endpoint.id, subscriptionId);
    if (!subscription) throw new NotFoundError('subscription', subscriptionId);
    return subscription;
  }

  async update(
    appIdOrUid: string,
    endpointId: string,
    subscriptionId: string,
    dto: UpdateSubscriptionDto,
  ): Promise<SubscriptionEntity> {
    const subscription = await this.get(appIdOrUid, endpointId, subscriptionId);
    assertValidFilter(dto.filter);
    const patch: SubscriptionPatch = { updatedAt: this.clock.now() };
    if (dto.eventTypes !== undefined) patch.eventTypes = dto.eventTypes;
    if (dto.filter !== undefined) patch.filter = dto.filter;
    const updated = await this.subscriptions.update(subscription, patch);
    if (!updated) throw new NotFoundError('subscription', subscriptionId);
    this.routing.invalidate(subscription.appId);
    return updated;
  }

  async delete(appIdOrUid: string, endpointId: string, subscriptionId: string): Promise<void> {
    const subscription = await this.get(appIdOrUid, endpointId, subscriptionId);
    if (!(await this.subscriptions.delete(subscription)))
      throw new NotFoundError('subscription', subscriptionId);
    this.routing.invalidate(subscription.appId);
  }
}
