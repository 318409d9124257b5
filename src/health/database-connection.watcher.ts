import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

/**
 * pg's Pool emits 'error' when the server drops an idle connection (restart, failover,
 * pg_terminate_backend); an EventEmitter 'error' with no listener kills the process. With
 * this listener the connection is discarded, readiness reports the outage, and the pool
 * reconnects on the next query once the database is back.
 */
@Injectable()
export class DatabaseConnectionWatcher implements OnModuleInit {
  private readonly logger = new Logger(DatabaseConnectionWatcher.name);

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  onModuleInit(): void {
    this.pool.on('error', (err) =>
      this.logger.warn({ err: { message: err.message } }, 'idle database connection lost'),
    );
  }
}
