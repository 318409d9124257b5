import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every index on `message` costs each ingested message. message_created_idx served only
 * retention, which now walks messages by their time-ordered ULID primary key instead
 * (`id < idFloorAt('msg', cutoff)`: a message's id carries its creation time).
 */
export class DropMessageCreatedIndex1764300000000 implements MigrationInterface {
  name = 'DropMessageCreatedIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS message_created_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS message_created_idx ON message (created_at)`);
  }
}
