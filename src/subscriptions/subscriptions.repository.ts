import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { notifyRoutingChanged } from '../queue/channels';
import { SubscriptionEntity } from '../subscription-model/subscription.entity';

export type SubscriptionPatch = Partial<
  Pick<SubscriptionEntity, 'eventTypes' | 'filter' | 'updatedAt'>
>;

/** Every write also NOTIFYs the routing channel in its transaction (see routing/). */
@Injectable()
export class SubscriptionsRepository {
  constructor(
    @InjectRepository(SubscriptionEntity)
    private readonly subscriptions: Repository<SubscriptionEntity>,
  ) {}

  find(endpointId: string, id: string): Promise<SubscriptionEntity | null> {
    return this.subscriptions.findOne({ where: { id, endpointId } });
  }

  list(
    endpointId: string,
    limit: number,
    after: string | undefined,
  ): Promise<SubscriptionEntity[]> {
    const query = this.subscriptions
      .createQueryBuilder('s')
      .where('s.endpoint_id = :endpointId', { endpointId })
      .orderBy('s.id', 'ASC')
      .limit(limit + 1);
    if (after !== undefined) query.andWhere('s.id > :after', { after });
    return query.getMany();
  }

  /**
   * Inserts only while the endpoint is live; its row is share-locked so a concurrent delete
   * (which removes the endpoint's subscriptions) cannot leave this one behind. False otherwise.
   */
  async insert(subscription: SubscriptionEntity): Promise<boolean> {
    return this.subscriptions.manager.transaction(async (tx) => {
      const live: unknown[] = await tx.query(
        'SELECT 1 FROM endpoint WHERE id = $1 AND app_id = $2 AND deleted_at IS NULL FOR SHARE',
        [subscription.endpointId, subscription.appId],
      );
      if (live.length === 0) return false;
      // jsonb columns typed as objects do not fit TypeORM's deep-partial insert type.
      await tx.insert(
        SubscriptionEntity,
        subscription as QueryDeepPartialEntity<SubscriptionEntity>,
      );
      await notifyRoutingChanged(tx, subscription.appId);
      return true;
    });
  }

  async update(
    subscription: SubscriptionEntity,
    patch: SubscriptionPatch,
  ): Promise<SubscriptionEntity | null> {
    return this.subscriptions.manager.transaction(async (tx) => {
      const result = await tx.update(
        SubscriptionEntity,
        { id: subscription.id, endpointId: subscription.endpointId },
        patch as QueryDeepPartialEntity<SubscriptionEntity>,
      );
      if (result.affected === 0) return null;
      await notifyRoutingChanged(tx, subscription.appId);
      return Object.assign(subscription, patch);
    });
  }

  async delete(subscription: SubscriptionEntity): Promise<boolean> {
    return this.subscriptions.manager.transaction(async (tx) => {
      const result = await tx.delete(SubscriptionEntity, {
        id: subscription.id,
        endpointId: subscription.endpointId,
      });
      if (result.affected === 0) return false;
      await notifyRoutingChanged(tx, subscription.appId);
      return true;
    });
  }
}
