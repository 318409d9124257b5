import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';

/** A probe that waits longer than this is as good as a failed one. */
export const DATABASE_CHECK_TIMEOUT_MS = 2_000;

/**
 * `SELECT 1` over the hot-path pool. The answer is public, so it names only the SQLSTATE;
 * the full driver message goes to the log.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger(DatabaseHealthIndicator.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check() {
    return this.indicators
      .check('database')
      .attempt(async () => {
        try {
          await this.pool.query('SELECT 1');
        } catch (err) {
          this.logger.warn(
            { err: { message: err instanceof Error ? err.message : String(err) } },
            'database unreachable',
          );
          const code = (err as { code?: unknown }).code;
          throw new Error(
            typeof code === 'string' ? `database unreachable (${code})` : 'database unreachable',
          );
        }
      })
      .withTimeout(DATABASE_CHECK_TIMEOUT_MS);
  }
}
