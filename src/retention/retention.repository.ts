import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { idFloorAt } from '../common/ids';
import { PG_POOL } from '../database/pg-pool';
import { QueuePurgeRepository } from '../queue/queue-purge.repository';
import { noDeliveryOfMessage, noDeliveryToEndpoint } from '../queue/sql/purge.sql';

/** Arbitrary constant, distinct from the migration lock: "a process is running retention". */
export const RETENTION_LOCK_KEY = 7_201_311_043;

/** One batch statement that runs longer than this is cancelled (and retried next run). */
const STATEMENT_TIMEOUT_MS = 15_000;

export interface RemovedRows {
  messages: number;
  deliveries: number;
  attempts: number;
}

/**
 * Old messages past the cut-off, in id order after `after`, on the primary key: ids are
 * time-ordered ULIDs carrying the creation time (never earlier than created_at), so
 * `id < idFloorAt('msg', cutoff)` is the cut-off. Some may turn out to be kept (an active
 * delivery); the cursor moves past them anyway.
 */
const NEXT_BATCH_SQL = `
SELECT id FROM message
 WHERE id < $1 AND id > $2
 ORDER BY id
 LIMIT $3`;

/** A separate statement (fresh snapshot): only messages left without any delivery go. */
const DELETE_MESSAGES_SQL = `
DELETE FROM message m
 WHERE m.id = ANY($1::text[])
   AND ${noDeliveryOfMessage('m')}
 RETURNING m.id`;

/** Soft-deleted endpoints nothing refers to any more (subscriptions go by cascade). */
const PURGE_ENDPOINTS_SQL = `
DELETE FROM endpoint WHERE id IN (
  SELECT e.id FROM endpoint e
   WHERE e.deleted_at < $1
     AND ${noDeliveryToEndpoint('e')}
   LIMIT $2)`;

/** One connection holding the retention lock; every statement is its own short transaction. */
export class RetentionSession {
  constructor(
    private readonly client: PoolClient,
    private readonly purge: QueuePurgeRepository,
  ) {}

  /** The next old message ids after `after` (null: from the start). */
  async nextMessageBatch(cutoff: Date, after: string | null, limit: number): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(NEXT_BATCH_SQL, [
      idFloorAt('msg', cutoff.getTime()),
      after ?? '',
      limit,
    ]);
    return rows.map((r) => r.id);
  }

  /** Removes the messages of `ids` that have no active delivery, with their deliveries and attempts, atomically. */
  async removeMessages(ids: string[]): Promise<RemovedRows> {
    await this.client.query('BEGIN');
    try {
      const deliveries = await this.purge.deleteFinishedOfMessages(this.client, ids);
      const messages = await this.client.query<{ id: string }>(DELETE_MESSAGES_SQL, [ids]);
      const removedIds = messages.rows.map((r) => r.id);
      const attempts =
        removedIds.length > 0
          ? await this.purge.deleteAttemptsOfMessages(this.client, removedIds)
          : 0;
      await this.client.query('COMMIT');
      return {
        messages: removedIds.length,
        deliveries,
        attempts,
      };
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Removes up to `limit` attempts made before `cutoff` whose message no longer exists. */
  async removeOrphanAttempts(cutoff: Date, limit: number): Promise<number> {
    const floor = idFloorAt('atmpt', cutoff.getTime());
    return this.purge.deleteOrphanAttempts(this.client, floor, limit);
  }

  async purgeDeletedEndpoints(cutoff: Date, limit: number): Promise<number> {
    return (await this.client.query(PURGE_ENDPOINTS_SQL, [cutoff, limit])).rowCount ?? 0;
  }
}

@Injectable()
export class RetentionRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly purge: QueuePurgeRepository,
  ) {}

  /**
   * Runs `work` holding the session-level advisory lock, or returns null at once when another
   * process holds it. A connection whose unlock fails is destroyed, which frees the lock.
   */
  async withLock<T>(work: (session: RetentionSession) => Promise<T>): Promise<T | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [RETENTION_LOCK_KEY],
      );
      if (!rows[0].locked) return null;
      try {
        await client.query(`SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
        return await work(new RetentionSession(client, this.purge));
      } finally {
        await client.query('RESET statement_timeout').catch((e: Error) => (broken = e));
        await client
          .query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY])
          .catch((e: Error) => (broken = e));
      }
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
