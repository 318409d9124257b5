import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import type { ClaimedDelivery, DeliveryStatusAfterAttempt } from './claimed-delivery';

/** One attempt to record, with the delivery state the retry policy chose. */
export interface AttemptRecord {
  delivery: ClaimedDelivery;
  attemptId: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
  attemptedAt: Date;
  status: DeliveryStatusAfterAttempt;
  nextAttemptAt: Date | null;
}

interface ClaimRow {
  id: string;
  app_id: string;
  message_id: string;
  endpoint_id: string;
  attempts: number;
  first_attempt_at: Date | null;
  lease_until: Date;
  event_type: string;
  payload: string;
  message_created_at: Date;
  endpoint_updated_at: Date | null;
  endpoint_disabled: boolean | null;
  endpoint_deleted: boolean;
}

/**
 * The delivery table as a queue. Hot path: plain SQL on the raw pool, named (prepared once per
 * connection) statements, one round trip per batch, no ORM hydration.
 */
@Injectable()
export class DeliveryQueueRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Leases up to `limit` due deliveries and returns everything needed to send them.
   * SKIP LOCKED lets any number of workers claim concurrently without waiting on or taking
   * each other's rows; the lease (status 'delivering' + lease_until) keeps them ours after the
   * transaction ends, and expires if this process dies. The scan walks delivery_due_idx in
   * due order; `excluded` are endpoints that must not be claimed now (saturated here,
   * disabled, gated). The endpoint is LEFT JOINed so a delivery whose endpoint row is gone is
   * still claimed (and cancelled by the caller) instead of being skipped forever.
   */
  async claim(now: Date, limit: number, excluded: readonly string[], leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const { rows } = await this.pool.query<ClaimRow>({
      name: 'delivery_claim',
      text: `WITH due AS (
               SELECT id, message_id, endpoint_id FROM delivery
                WHERE status = 'pending' AND next_attempt_at <= $1 AND endpoint_id <> ALL($3::text[])
                ORDER BY next_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED
             ), joined AS (
               SELECT due.id, m.event_type, m.payload, m.created_at AS message_created_at,
                      e.updated_at AS endpoint_updated_at, e.disabled AS endpoint_disabled,
                      (e.id IS NULL OR e.deleted_at IS NOT NULL) AS endpoint_deleted
                 FROM due JOIN message m ON m.id = due.message_id
                 LEFT JOIN endpoint e ON e.id = due.endpoint_id
             )
             UPDATE delivery d SET status = 'delivering', lease_until = $4, updated_at = $1
               FROM joined j
              WHERE d.id = j.id
             RETURNING d.id, d.app_id, d.message_id, d.endpoint_id, d.attempts, d.first_attempt_at, d.lease_until,
                       j.event_type, j.payload, j.message_created_at, j.endpoint_updated_at, j.endpoint_disabled,
                       j.endpoint_deleted`,
      values: [now, limit, excluded, leaseUntil],
    });
    return rows.map((r) => ({
      id: r.id,
      appId: r.app_id,
      messageId: r.message_id,
      endpointId: r.endpoint_id,
      attempts: r.attempts,
      firstAttemptAt: r.first_attempt_at,
      leaseUntil: r.lease_until,
      eventType: r.event_type,
      payload: r.payload,
      messageCreatedAt: r.message_created_at,
      endpointUpdatedAt: r.endpoint_updated_at ?? new Date(0),
      endpointDisabled: r.endpoint_disabled === true,
      endpointDeleted: r.endpoint_deleted,
    }));
  }

  /**
   * Records a batch of attempts in one statement: a multi-row INSERT into attempt and an
   * UPDATE of the deliveries, both fed from the same unnest()ed arrays (17 parameters however
   * large the batch). The delivery is only updated while this worker's lease is still on it:
   * if the lease expired and another worker took the row, the attempt is logged but the other
   * worker's state wins. Returns the ids of deliveries whose state was updated.
   */
  async record(records: readonly AttemptRecord[], now: Date): Promise<Set<string>> {
    const cols = {
      deliveryId: [] as string[], attemptId: [] as string[], attempt: [] as number[], succeeded: [] as boolean[],
      statusCode: [] as (number | null)[], errorClass: [] as (string | null)[], error: [] as (string | null)[],
      responseBody: [] as (string | null)[], durationMs: [] as number[], attemptedAt: [] as Date[], status: [] as string[],
      nextAttemptAt: [] as (Date | null)[], leaseUntil: [] as Date[], appId: [] as string[], messageId: [] as string[],
      endpointId: [] as string[],
    };
    for (const r of records) {
      cols.deliveryId.push(r.delivery.id);
      cols.attemptId.push(r.attemptId);
      cols.attempt.push(r.attempt);
      cols.succeeded.push(r.succeeded);
      cols.statusCode.push(r.statusCode);
      cols.errorClass.push(r.errorClass);
      cols.error.push(r.error);
      cols.responseBody.push(r.responseBody);
      cols.durationMs.push(r.durationMs);
      cols.attemptedAt.push(r.attemptedAt);
      cols.status.push(r.status);
      cols.nextAttemptAt.push(r.nextAttemptAt);
      cols.leaseUntil.push(r.delivery.leaseUntil);
      cols.appId.push(r.delivery.appId);
      cols.messageId.push(r.delivery.messageId);
      cols.endpointId.push(r.delivery.endpointId);
    }
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'delivery_record',
      text: `WITH r AS (
               SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bool[], $5::int[], $6::text[], $7::text[],
                                    $8::text[], $9::int[], $10::timestamptz[], $11::text[], $12::timestamptz[],
                                    $13::timestamptz[], $14::text[], $15::text[], $16::text[])
                 AS r(delivery_id, attempt_id, attempt, succeeded, status_code, error_class, error, response_body,
                      duration_ms, attempted_at, status, next_attempt_at, lease_until, app_id, message_id, endpoint_id)
             ), logged AS (
               INSERT INTO attempt (id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code,
                                    error_class, error, response_body, duration_ms, created_at)
               SELECT attempt_id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code,
                      error_class, error, response_body, duration_ms, attempted_at FROM r
             )
             UPDATE delivery d
                SET status = r.status, attempts = r.attempt, next_attempt_at = r.next_attempt_at, lease_until = NULL,
                    first_attempt_at = COALESCE(d.first_attempt_at, r.attempted_at), last_attempt_at = r.attempted_at,
                    last_status_code = r.status_code, last_error = r.error, updated_at = $17
               FROM r
              WHERE d.id = r.delivery_id AND d.status = 'delivering' AND d.lease_until = r.lease_until
             RETURNING d.id`,
      values: [
        cols.deliveryId, cols.attemptId, cols.attempt, cols.succeeded, cols.statusCode, cols.errorClass, cols.error,
        cols.responseBody, cols.durationMs, cols.attemptedAt, cols.status, cols.nextAttemptAt, cols.leaseUntil,
        cols.appId, cols.messageId, cols.endpointId, now,
      ],
    });
    return new Set(rows.map((r) => r.id));
  }

  /** Gives leased, unsent deliveries back to the queue (shutdown, slow endpoint, disabled). */
  async release(deliveries: readonly ClaimedDelivery[], now: Date): Promise<number> {
    if (deliveries.length === 0) return 0;
    const result = await this.pool.query({
      name: 'delivery_release',
      text: `UPDATE delivery d SET status = 'pending', lease_until = NULL, updated_at = $3
               FROM unnest($1::text[], $2::timestamptz[]) AS r(id, lease_until)
              WHERE d.id = r.id AND d.status = 'delivering' AND d.lease_until = r.lease_until`,
      values: [deliveries.map((d) => d.id), deliveries.map((d) => d.leaseUntil), now],
    });
    return result.rowCount ?? 0;
  }

  /** Deliveries of an endpoint deleted since they were queued: cancelled, visibly. */
  async cancel(deliveries: readonly ClaimedDelivery[], reason: string, now: Date): Promise<void> {
    if (deliveries.length === 0) return;
    await this.pool.query({
      name: 'delivery_cancel',
      text: `UPDATE delivery SET status = 'cancelled', lease_until = NULL, next_attempt_at = NULL, last_error = $2, updated_at = $3
              WHERE id = ANY($1::text[]) AND status = 'delivering'`,
      values: [deliveries.map((d) => d.id), reason, now],
    });
  }

  /**
   * Puts deliveries whose lease ran out (their worker died or stalled) back in the queue.
   * next_attempt_at is untouched: it was due when claimed, so it is claimable at once.
   */
  async requeueExpiredLeases(now: Date, limit: number): Promise<number> {
    const result = await this.pool.query({
      name: 'delivery_requeue_expired',
      text: `UPDATE delivery SET status = 'pending', lease_until = NULL, updated_at = $1
              WHERE id IN (SELECT id FROM delivery WHERE status = 'delivering' AND lease_until < $1
                            ORDER BY lease_until LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      values: [now, limit],
    });
    return result.rowCount ?? 0;
  }
}
