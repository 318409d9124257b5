import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ClaimedDelivery, LeasedDelivery } from './delivery-types';
import { CLAIM_JOINED, CLAIM_RETURNING, FIFO_CLAIM_SQL } from './delivery-queue.sql';
import { toClaimed, type ClaimRow, type FifoClaimRow } from './claimed-rows';
import { QueuePool } from './queue-pool';

/** A FIFO claim: the heads it leased, and whether more due rows may be left to look at. */
export interface FifoClaim {
  claimed: ClaimedDelivery[];
  more: boolean;
}

/**
 * The delivery table as a queue: claim, release, hold, cancel, requeue. Hot path: plain SQL
 * on the raw pool, named (prepared once per connection) statements, one round trip per batch,
 * no ORM hydration. It runs on the queue's own `synchronous_commit = off` pool (QueuePool,
 * shared with AttemptRecordRepository), which says why at-least-once still holds.
 */
@Injectable()
export class DeliveryQueueRepository {
  private readonly pool: Pool;

  constructor(queuePool: QueuePool) {
    this.pool = queuePool.pg;
  }

  /**
   * Leases up to `limit` due deliveries and returns everything needed to send them.
   * SKIP LOCKED lets any number of workers claim concurrently without waiting on or taking
   * each other's rows; the lease (status 'delivering' + lease_until) keeps them ours after the
   * transaction ends, and expires if this process dies. The scan walks delivery_due_idx (whose
   * predicate keeps FIFO deliveries out: they have their own claim, claimFifo) in due order; `excluded` are endpoints that must not be claimed now (saturated here,
   * disabled, gated). The endpoint is LEFT JOINed so a delivery whose endpoint row is gone is
   * still claimed (and cancelled by the caller) instead of being skipped forever. The UPDATE
   * finds the locked rows by ctid (stable while this statement holds their row locks) rather
   * than a second primary-key lookup per row.
   *
   * The first claim also freezes the endpoint's body shape onto the delivery (`body_shape`:
   * '{}' for the plain envelope), read from the same endpoint row version the claim joins, so
   * every later attempt shapes the payload the same way and sends identical bytes even if the
   * endpoint's bodyFormat/omitFields/aliases change in between (issue 11). Once set it never
   * changes; the row is being rewritten by this UPDATE anyway (one small jsonb more).
   */
  async claim(
    now: Date,
    limit: number,
    excluded: readonly string[],
    leaseUntil: Date,
  ): Promise<ClaimedDelivery[]> {
    const { rows } = await this.pool.query<ClaimRow>({
      name: 'delivery_claim',
      text: `WITH due AS (
               SELECT ctid, id, message_id, endpoint_id FROM delivery
                WHERE status = 'pending' AND fifo_seq IS NULL AND next_attempt_at <= $1 AND endpoint_id <> ALL($3::text[])
                ORDER BY next_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED
             ), ${CLAIM_JOINED}
             UPDATE delivery d SET status = 'delivering', lease_until = $4, updated_at = $1,
                                   body_shape = COALESCE(d.body_shape, j.endpoint_body_shape)
               FROM joined j
              WHERE d.ctid = j.ctid
             RETURNING ${CLAIM_RETURNING}`,
      values: [now, limit, excluded, leaseUntil],
    });
    // Every row of this claim carries the lease we just set ($4, millisecond precision).
    return rows.map((r) => toClaimed(r, leaseUntil, null));
  }

  /**
   * The claim of FIFO endpoints' deliveries (delivery_fifo_due_idx; the unordered claim above
   * never sees them). A due row is a head — claimable — only when no earlier delivery of its
   * stream (endpoint, key) is unfinished in this statement's snapshot: a row another worker
   * is claiming right now is either seen leased or is skipped here (locked), and its
   * successors then see it pending; so two deliveries of one stream are never leased at once,
   * and an expired lease's row, requeued, is again the head its successors wait for.
   *
   * Due rows that are not heads are taken out of the due range (next_attempt_at = infinity),
   * so later claims do not walk past a blocked stream's backlog; the stream's head, when it
   * finishes, makes its successor due again and marks it fifo_ready (AttemptRecordRepository
   * .record). A row marked ready is never moved out (its predecessor finished after this
   * snapshot was taken); nor is a row changed after the snapshot at all (its new version is not
   * the one found by ctid).
   * Looks at up to `scan` due rows; `more` says whether it may have stopped short.
   */
  async claimFifo(
    now: Date,
    limit: number,
    excluded: readonly string[],
    leaseUntil: Date,
    scan: number,
  ): Promise<FifoClaim> {
    const { rows } = await this.pool.query<FifoClaimRow>({
      name: 'delivery_claim_fifo',
      text: FIFO_CLAIM_SQL,
      values: [now, limit, excluded, leaseUntil, scan],
    });
    const claimed: ClaimedDelivery[] = [];
    for (const r of rows)
      if (r.id !== null)
        claimed.push(
          toClaimed(r as ClaimRow, leaseUntil, { key: r.fifo_key, seq: String(r.fifo_seq) }),
        );
    const scanned = rows.length > 0 ? rows[0].scanned : 0;
    return { claimed, more: scanned >= scan || claimed.length >= limit };
  }

  /**
   * Gives leased, unsent deliveries back to the queue (shutdown, slow endpoint, disabled).
   * Those of a disabled endpoint are parked (no due time, as disabling parks the pending
   * ones): the endpoint rows are read FOR SHARE first, so a concurrent disable or re-enable
   * either committed before (and is seen) or waits for this (and then parks or resumes these
   * rows itself); otherwise a row released as the endpoint is re-enabled could stay parked.
   * Endpoints are locked in id order, before any delivery row, like every endpoint change.
   */
  async release(deliveries: readonly LeasedDelivery[], now: Date): Promise<number> {
    if (deliveries.length === 0) return 0;
    const endpointIds = [...new Set(deliveries.map((d) => d.endpointId))];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // No filter on `disabled`: a row that fails it in this snapshot would not be locked, nor
      // waited for. Locked, the row is read in its latest committed version.
      const { rows } = await client.query<{ id: string; disabled: boolean }>({
        name: 'delivery_release_endpoints',
        text: `SELECT id, disabled FROM endpoint WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE`,
        values: [endpointIds],
      });
      const result = await client.query({
        name: 'delivery_release',
        text: `UPDATE delivery d SET status = 'pending', lease_until = NULL, updated_at = $3,
                      next_attempt_at = CASE WHEN d.endpoint_id = ANY($4::text[]) THEN NULL ELSE d.next_attempt_at END
                 FROM unnest($1::text[], $2::timestamptz[]) AS r(id, lease_until)
                WHERE d.id = r.id AND d.status = 'delivering' AND d.lease_until = r.lease_until`,
        values: [
          deliveries.map((d) => d.id),
          deliveries.map((d) => d.leaseUntil),
          now,
          rows.filter((r) => r.disabled).map((r) => r.id),
        ],
      });
      await client.query('COMMIT');
      return result.rowCount ?? 0;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Takes stalled endpoints' pending deliveries out of the due window until `until` (no
   * attempt recorded): left due, they sit at the head of delivery_due_idx and every claim
   * walks past them while the endpoint is excluded. Found through delivery_endpoint_idx; only
   * ever moves a row later. Returns how many rows moved.
   */
  async hold(endpointIds: readonly string[], until: Date, now: Date): Promise<number> {
    if (endpointIds.length === 0) return 0;
    const result = await this.pool.query({
      name: 'delivery_hold',
      text: `UPDATE delivery SET next_attempt_at = $2, updated_at = $3
              WHERE endpoint_id = ANY($1::text[]) AND status = 'pending' AND next_attempt_at < $2`,
      values: [endpointIds, until, now],
    });
    return result.rowCount ?? 0;
  }

  /** Ends holds early (the endpoint answers again): rows still at their hold time become due now. */
  async unhold(
    endpointIds: readonly string[],
    heldUntil: readonly Date[],
    now: Date,
  ): Promise<number> {
    if (endpointIds.length === 0) return 0;
    const result = await this.pool.query({
      name: 'delivery_unhold',
      text: `UPDATE delivery d SET next_attempt_at = $3, updated_at = $3
               FROM unnest($1::text[], $2::timestamptz[]) AS h(endpoint_id, held_until)
              WHERE d.endpoint_id = h.endpoint_id AND d.status = 'pending' AND d.next_attempt_at = h.held_until`,
      values: [endpointIds, heldUntil, now],
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
   * Releases held replay deliveries (next_attempt_at = 'infinity', see
   * MessagesRepository.insertReplayDeliveries) into the queue: per endpoint holding some, up
   * to `batch` of them become due now, but only while fewer than `batch` of that endpoint's
   * deliveries are due or being sent, and never for a disabled endpoint (its backfill stays
   * held, so re-enabling it does not release the backlog at once). A backfill thus enters the queue at the pace its
   * endpoint drains (at most `batch` per sweep), and a worker never holds more than `batch`
   * of it: counting only the due rows let the workers' local queues fill with up to a claim
   * capacity of replayed rows, ahead of live messages (2–9 s live latency in the 20k e2e
   * test). The held endpoints are found on delivery_due_idx ('infinity' is its last key
   * range; `fifo_seq IS NULL` is part of its predicate, and keeps FIFO rows moved out of
   * the due range by the FIFO claim out of this), the due count on its due range, the
   * in-flight count on delivery_endpoint_idx.
   */
  async releaseReplayed(now: Date, batch: number): Promise<number> {
    const result = await this.pool.query({
      name: 'delivery_release_replayed',
      text: `WITH held AS (
               SELECT DISTINCT endpoint_id FROM delivery
                WHERE status = 'pending' AND fifo_seq IS NULL AND next_attempt_at = 'infinity'
             ), roomy AS (
               SELECT h.endpoint_id FROM held h JOIN endpoint e ON e.id = h.endpoint_id AND NOT e.disabled
                WHERE (SELECT count(*) FROM delivery d
                        WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                          AND d.endpoint_id = h.endpoint_id)
                    + (SELECT count(*) FROM delivery d
                        WHERE d.endpoint_id = h.endpoint_id AND d.status = 'delivering') < $2
             )
             UPDATE delivery SET next_attempt_at = $1, updated_at = $1
              WHERE id IN (SELECT p.id FROM roomy r CROSS JOIN LATERAL (
                             SELECT id FROM delivery
                              WHERE endpoint_id = r.endpoint_id AND status = 'pending'
                                AND fifo_seq IS NULL AND next_attempt_at = 'infinity'
                              ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) p)`,
      values: [now, batch],
    });
    return result.rowCount ?? 0;
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
