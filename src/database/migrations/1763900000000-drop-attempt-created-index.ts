import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * attempt is the highest-volume insert of the delivery hot path and every index on it costs
 * each row. attempt_created_idx had no reader: retention removes attempts by message
 * (attempt_message_idx), the API lists them by message or endpoint, and a time cut can use the
 * time-ordered ULID primary key (`id < idFloorAt('atmpt', cutoff)`).
 */
export class DropAttemptCreatedIndex1763900000000 implements MigrationInterface {
  name = 'DropAttemptCreatedIndex1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS attempt_created_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS attempt_created_idx ON attempt (created_at)`);
  }
}
