import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { MigrationRunner } from '../../database/migration-runner';
import { DATABASE_CHECK_TIMEOUT_MS } from './database.health';

/**
 * Up once every migration this build knows is applied. A running process's migration set
 * never changes, so once seen applied the answer is kept and the database is not asked again.
 */
@Injectable()
export class MigrationsHealthIndicator {
  private applied = false;

  constructor(
    private readonly migrations: MigrationRunner,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check() {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        this.applied ||= await this.migrations.upToDate();
        if (!this.applied) throw new Error('migrations pending');
      })
      .withTimeout(DATABASE_CHECK_TIMEOUT_MS);
  }
}
