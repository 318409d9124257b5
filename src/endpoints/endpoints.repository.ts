import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { notifyRoutingChanged, WAKE_WORKERS_SQL } from '../queue/channels';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { EndpointEntity } from './endpoint.entity';

export type EndpointPatch = Partial<Omit<EndpointEntity, 'id' | 'appId' | 'createdAt'>>;

/**
 * Parks the pending deliveries of endpoints being disabled ($1 ids, $2 now): they stay
 * 'pending' (re-enabling resumes them) with no due time, so delivery_due_idx's `<= now` range
 * never reaches them. Left due, they sat at the head of the index — every claim of every
 * worker walked past them and the queue's oldest-due age grew forever. Run in the transaction
 * that disables; rows a worker holds then are parked when it hands them back. Held replay
 * rows ('infinity') stay held: re-enabling must not release a whole backfill at once.
 */
export const PARK_DELIVERIES_SQL = `
UPDATE delivery SET next_attempt_at = NULL, updated_at = $2
 WHERE endpoint_id = ANY($1::text[]) AND status = 'pending' AND next_attempt_at IS NOT NULL
   AND next_attempt_at <> 'infinity'`;

/**
 * SET clause of a manual re-queue, due at parameter `now`: a fresh retry window (the 24 h and
 * the schedule start over; `attempts` keeps counting). Shared by re-enabling an endpoint and
 * the delivery retry and recover routes.
 */
export function requeueNowSet(now: string): string {
  return `next_attempt_at = ${now}, retry_window_start = ${now}, retry_schedule_base = attempts, updated_at = ${now}`;
}

/** Re-enabling ($1 id, $2 now): its parked deliveries are due now, with a fresh retry window. */
const RESUME_DELIVERIES_SQL = `
UPDATE delivery SET ${requeueNowSet('$2')}
 WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at IS NULL`;

@Injectable()
export class EndpointsRepository {
  constructor(
    @InjectRepository(EndpointEntity) private readonly endpoints: Repository<EndpointEntity>,
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
          await tx.query(PARK_DELIVERIES_SQL, [[id], now]);
        } else {
          await tx.query(RESUME_DELIVERIES_SQL, [id, now]);
          await tx.query(WAKE_WORKERS_SQL);
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
      await tx.query(
        `UPDATE delivery
            SET status = 'cancelled', last_error = 'endpoint deleted', lease_until = NULL, next_attempt_at = NULL, updated_at = $2
          WHERE endpoint_id = $1 AND status IN ('pending', 'delivering')`,
        [id, now],
      );
      await notifyRoutingChanged(tx, appId);
      return true;
    });
  }
}
