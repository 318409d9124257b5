import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

/** Connections of the queue's own pool: a claim, a record write and a release/sweep at once. */
const QUEUE_CONNECTIONS = 4;

/**
 * The queue's own small pool (same server and credentials as PG_POOL), shared by the claim
 * side (DeliveryQueueRepository) and the record side (AttemptRecordRepository). Its sessions
 * run with `synchronous_commit = off`: claims, attempt records and releases then commit without
 * waiting for the WAL flush. A PostgreSQL crash can lose the last few hundred milliseconds of
 * them, which only means a lease or an attempt row is lost and the delivery is sent again:
 * at-least-once holds. Ingestion (PG_POOL) keeps synchronous commit.
 */
@Injectable()
export class QueuePool implements OnApplicationShutdown {
  private readonly logger = new Logger(QueuePool.name);
  readonly pg: Pool;

  constructor(@Inject(PG_POOL) shared: Pool) {
    const base = shared.options;
    this.pg = new Pool({
      ...base,
      max: QUEUE_CONNECTIONS,
      options: [base.options, '-c synchronous_commit=off'].filter(Boolean).join(' '),
    });
    this.pg.on('error', (err) =>
      this.logger.warn({ err: { message: err.message } }, 'idle queue connection lost'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pg.end();
  }
}
