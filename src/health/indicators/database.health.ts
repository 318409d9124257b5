import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Pool } from 'pg';
import {
  DATABASE_SERVER_FAILURE,
  type DatabaseServerFailure,
  PG_POOL,
} from '../../database/pg-pool';

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
    @Inject(DATABASE_SERVER_FAILURE) private readonly serverFailure: DatabaseServerFailure,
  ) {}

  /**
   * For liveness: no query (an outage being recovered from must not restart the process),
   * only whether the embedded server was lost for good, which no wait will mend.
   */
  checkServerAlive() {
    const indicator = this.indicators.check('databaseServer');
    const failure = this.serverFailure();
    // Public answer: the reason (paths, PostgreSQL's own lines) is in the log, not here.
    return failure === null
      ? indicator.up()
      : indicator.down({ message: 'the database server was lost and could not be restarted' });
  }

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
