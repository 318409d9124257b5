import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DeliveryStatusAfterAttempt, LeasedDelivery } from './delivery-types';
import { RECORD_FIFO_SQL, RECORD_SQL } from './delivery-queue.sql';
import { QueuePool } from './queue-pool';

/** One attempt to record, with the delivery state the retry policy chose. */
export interface AttemptRecord {
  delivery: LeasedDelivery;
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

/**
 * The attempt side of the queue: one statement per batch of results, on the queue's own pool
 * (QueuePool, shared with the claims).
 */
@Injectable()
export class AttemptRecordRepository {
  private readonly pool: Pool;

  constructor(queuePool: QueuePool) {
    this.pool = queuePool.pg;
  }

  /**
   * Records a batch of attempts in one statement: a multi-row INSERT into attempt and an
   * UPDATE of the deliveries, both fed from the same unnest()ed arrays (17 parameters however
   * large the batch). The delivery is only updated while this worker's lease is still on it:
   * if the lease expired and another worker took the row, the attempt is logged but the other
   * worker's state wins. Returns how many deliveries' state was updated.
   */
  async record(records: readonly AttemptRecord[], now: Date): Promise<number> {
    const n = records.length;
    const deliveryId = new Array<string>(n),
      attemptId = new Array<string>(n),
      appId = new Array<string>(n);
    const messageId = new Array<string>(n),
      endpointId = new Array<string>(n),
      status = new Array<string>(n);
    const attempt = new Array<number>(n),
      succeeded = new Array<boolean>(n),
      durationMs = new Array<number>(n);
    const attemptedMs = new Array<number>(n),
      leaseMs = new Array<number>(n);
    const statusCode = new Array<number | null>(n),
      nextAttemptMs = new Array<number | null>(n);
    const errorClass = new Array<string | null>(n),
      error = new Array<string | null>(n),
      responseBody = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const r = records[i];
      deliveryId[i] = r.delivery.id;
      attemptId[i] = r.attemptId;
      appId[i] = r.delivery.appId;
      messageId[i] = r.delivery.messageId;
      endpointId[i] = r.delivery.endpointId;
      status[i] = r.status;
      attempt[i] = r.attempt;
      succeeded[i] = r.succeeded;
      durationMs[i] = r.durationMs;
      attemptedMs[i] = r.attemptedAt.getTime();
      leaseMs[i] = r.delivery.leaseUntil.getTime();
      statusCode[i] = r.statusCode;
      nextAttemptMs[i] = r.nextAttemptAt ? r.nextAttemptAt.getTime() : null;
      errorClass[i] = r.errorClass;
      error[i] = r.error;
      responseBody[i] = r.responseBody;
    }
    // Ids, numbers and flags travel as ready-made array literals (see RECORD_SQL for times).
    // Batches holding FIFO deliveries also make their streams' next deliveries due, in the
    // same statement (atomic with the finish: a crash between them would block the stream).
    const fifo = records.some((r) => r.delivery.fifo !== null);
    const result = await this.pool.query<{ updated: number }>({
      name: fifo ? 'delivery_record_fifo' : 'delivery_record',
      text: fifo ? RECORD_FIFO_SQL : RECORD_SQL,
      values: [
        plainArray(deliveryId),
        plainArray(attemptId),
        plainArray(attempt),
        plainArray(succeeded),
        plainArray(statusCode),
        errorClass,
        error,
        responseBody,
        plainArray(durationMs),
        plainArray(attemptedMs),
        plainArray(status),
        plainArray(nextAttemptMs),
        plainArray(leaseMs),
        plainArray(appId),
        plainArray(messageId),
        plainArray(endpointId),
        now,
      ],
    });
    return fifo ? result.rows[0].updated : (result.rowCount ?? 0);
  }
}

/** Characters an unquoted array element may be made of without any escaping (ids, numbers, flags). */
const PLAIN_ELEMENTS = /^[A-Za-z0-9_.,-]*$/;

/**
 * A PostgreSQL array literal built with one join instead of pg's per-element quoting (two
 * regex replaces per element: ~2 % of the worker's time at 6,000 deliveries/s). Values that
 * could need quoting fall back to the array itself, which pg escapes as usual.
 */
function plainArray(
  values: ReadonlyArray<string | number | boolean | null>,
): string | ReadonlyArray<string | number | boolean | null> {
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === '') return values;
    text += (i === 0 ? '' : ',') + (v === null ? 'NULL' : String(v));
  }
  // 'NULL' spelled by a value would read as a null: ids, numbers and flags never are.
  return PLAIN_ELEMENTS.test(text) ? '{' + text + '}' : values;
}
