import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { notifyRoutingChanged } from '../queue/channels';
import { EndpointQueueRepository } from '../queue/endpoint-queue.repository';
import { SubscriptionEntity } from '../subscription-model/subscription.entity';
import { EndpointEntity } from './endpoint.entity';

export type EndpointPatch = Partial<Omit<EndpointEntity, 'id' | 'appId' | 'createdAt'>>;

@Injectable()
export class EndpointsRepository {
  constructor(
    @InjectRepository(EndpointEntity) private readonly endpoints: Repository<EndpointEntity>,
    private readonly endpointQueue: EndpointQueueRepository,
  ) {}

  /** A live (not deleted) endpoint of the app. */
  find(appId: string, id: string): Promise<EndpointEntity | null> {
    return this.endpoints.findOne({ where: { id, appId, deletedAt: IsNull() } });
  }

  list(
    appId: string,
    limit: number,
    after: string | undefined,
    disabled: boolean | undefined,
    only: readonly string[] | null = null,
  ): Promise<EndpointEntity[]> {
    const query = this.endpoints
      .createQueryBuilder('e')
      .where('e.app_id = :appId AND e.deleted_at IS NULL', { appId })
      .orderBy('e.id', 'ASC')
      .limit(limit + 1);
    if (after !== undefined) query.andWhere('e.id > :after', { after });
    if (disabled !== undefined) query.andWhere('e.disabled = :disabled', { disabled });
    if (only !== null) query.andWhere('e.id = ANY(:only)', { only });
    return query.getMany();
  }

  /** The endpoint and its first subscription exist together or not at all. */
  async insertWithSubscription(
    endpoint: EndpointEntity,
    subscription: SubscriptionEntity,
  ): Promise<void> {
    await this.endpoints.manager.transaction(async (tx) => {
      // jsonb columns typed as objects do not fit TypeORM's deep-partial insert type.
      await tx.insert(EndpointEntity, endpoint as QueryDeepPartialEntity<EndpointEntity>);
      await tx.insert(
        SubscriptionEntity,
        subscription as QueryDeepPartialEntity<SubscriptionEntity>,
      );
      await notifyRoutingChanged(tx, endpoint.appId);
    });
  }

  /**
   * Locks the live endpoint, lets `change` compute the columns to write from its current state
   * (it may throw to abort), and writes only those: the worker updates health and rate-limit
   * columns concurrently, and a whole-row save would undo its writes. null when not found.
   * Disabling parks the endpoint's pending deliveries and re-enabling resumes them, in the
   * same transaction (the patch's updatedAt is the time of the change).
   */
  async modify(
    appId: string,
    id: string,
    change: (current: EndpointEntity) => EndpointPatch,
  ): Promise<EndpointEntity | null> {
    return this.endpoints.manager.transaction(async (tx) => {
      const current = await tx.findOne(EndpointEntity, {
        where: { id, appId, deletedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (current === null) return null;
      const patch = change(current);
      await tx.update(EndpointEntity, { id }, patch as QueryDeepPartialEntity<EndpointEntity>);
      if (patch.disabled !== undefined && patch.disabled !== current.disabled) {
        const now = patch.updatedAt;
        if (now === undefined) throw new Error('a patch that (re-)enables must set updatedAt');
        if (patch.disabled) {
          await this.endpointQueue.park(tx, [id], now);
        } else {
          await this.endpointQueue.resume(tx, id, now);
        }
      }
      await notifyRoutingChanged(tx, appId);
      return Object.assign(current, patch);
    });
  }

  /**
   * Soft-deletes the endpoint, removes its subscriptions and cancels what it still had queued,
   * in one transaction: nothing is delivered to it afterwards and nothing vanishes silently.
   * False when there was no live endpoint.
   */
  async softDelete(appId: string, id: string, now: Date): Promise<boolean> {
    return this.endpoints.manager.transaction(async (tx) => {
      const deleted: unknown[] = await tx.query(
        // Wrapped in a SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
        `WITH deleted AS (
           UPDATE endpoint SET deleted_at = $3, updated_at = $3
            WHERE id = $1 AND app_id = $2 AND deleted_at IS NULL RETURNING id)
         SELECT id FROM deleted`,
        [id, appId, now],
      );
      if (deleted.length === 0) return false;
      await tx.query('DELETE FROM subscription WHERE endpoint_id = $1', [id]);
      await this.endpointQueue.cancelForDeletedEndpoint(tx, id, now);
      await notifyRoutingChanged(tx, appId);
      return true;
    });
  }
}
