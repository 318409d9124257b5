import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { QueueSession } from './queue-session';

/**
 * Finished deliveries of messages with no pending/delivering delivery. The status test is
 * on the deleted row itself, so a delivery that a concurrent retry has just made pending
 * again is re-checked under its row lock and skipped.
 */
const DELETE_DELIVERIES_SQL = `
DELETE FROM delivery d
 WHERE d.message_id = ANY($1::text[])
   AND d.status IN ('succeeded', 'failed', 'cancelled')
   AND NOT EXISTS (SELECT 1 FROM delivery a WHERE a.message_id = d.message_id AND a.status IN ('pending', 'delivering'))`;

/** attempt has no foreign keys (hot-path inserts): its rows go explicitly, on attempt_message_idx. */
const DELETE_ATTEMPTS_SQL = `DELETE FROM attempt WHERE message_id = ANY($1::text[])`;

/**
 * Old attempts whose message is gone: recorded by a worker after their app was deleted
 * (the attempt log has no foreign keys). Attempt ids are time-ordered, so the primary key
 * bounds the scan to attempts made before the cut-off; what is left there after the message
 * batches are only the attempts of messages that are kept.
 */
const DELETE_ORPHAN_ATTEMPTS_SQL = `
DELETE FROM attempt WHERE id IN (
  SELECT a.id FROM attempt a
   WHERE a.id < $1
     AND NOT EXISTS (SELECT 1 FROM message m WHERE m.id = a.message_id)
   LIMIT $2)`;

/**
 * Deletes of delivery and attempt rows: everything of a deleted app, finished rows of old
 * messages (retention). Each runs on the caller's connection, inside its transaction, so it
 * commits or rolls back with the feature's own delete.
 */
@Injectable()
export class QueuePurgeRepository {
  /**
   * Every attempt and delivery of the app (no foreign key cascades to them). The caller has
   * locked the app row first (see AppsRepository.delete).
   */
  async deleteOfApp(tx: QueueSession, appId: string): Promise<void> {
    await tx.query('DELETE FROM attempt WHERE app_id = $1', [appId]);
    await tx.query(
      'DELETE FROM delivery WHERE message_id IN (SELECT id FROM message WHERE app_id = $1)',
      [appId],
    );
  }

  /** Finished deliveries of the messages `ids` none of whose deliveries is still active; how many. */
  async deleteFinishedOfMessages(tx: PoolClient, ids: string[]): Promise<number> {
    return (await tx.query(DELETE_DELIVERIES_SQL, [ids])).rowCount ?? 0;
  }

  /** The attempts of the messages `ids`; how many. */
  async deleteAttemptsOfMessages(tx: PoolClient, ids: string[]): Promise<number> {
    return (await tx.query(DELETE_ATTEMPTS_SQL, [ids])).rowCount ?? 0;
  }

  /** Up to `limit` attempts with ids below `idFloor` whose message no longer exists; how many. */
  async deleteOrphanAttempts(tx: PoolClient, idFloor: string, limit: number): Promise<number> {
    return (await tx.query(DELETE_ORPHAN_ATTEMPTS_SQL, [idFloor, limit])).rowCount ?? 0;
  }
}
