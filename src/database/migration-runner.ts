import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Arbitrary constant: one advisory lock key for "migrating this database". */
const MIGRATION_LOCK_KEY = 7_201_311_042;

/**
 * Runs pending migrations at start-up under a PostgreSQL advisory lock, so several
 * replicas starting at once migrate exactly once and the others wait for it.
 */
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);
  private applied = false;

  constructor(private readonly dataSource: DataSource) {}

  async run(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const done = await this.dataSource.runMigrations({ transaction: 'each' });
      if (done.length > 0)
        this.logger.log(`applied migrations: ${done.map((m) => m.name).join(', ')}`);
      this.applied = true;
    } finally {
      await runner
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
        .catch(() => undefined);
      await runner.release();
    }
  }

  /** True when no migration is pending (used by the readiness check). */
  async upToDate(): Promise<boolean> {
    return this.applied && !(await this.dataSource.showMigrations());
  }
}
