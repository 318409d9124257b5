import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { MigrationRunner } from '../../database/migration-runner';
import { PG_POOL } from '../../database/pg-pool';

/**
 * Records the published list's hash with the time it last changed. Only a different list
 * moves the time, so every API replica and every restart report the same `updatedAt`;
 * concurrent start-ups with a new list agree on one of their times.
 */
const RECORD_SQL = `
INSERT INTO outbound_ips_state AS s (id, list_hash, updated_at) VALUES (1, $1, $2)
ON CONFLICT (id) DO UPDATE SET list_hash = EXCLUDED.list_hash, updated_at = EXCLUDED.updated_at
 WHERE s.list_hash <> EXCLUDED.list_hash
RETURNING updated_at`;

@Injectable()
export class OutboundIpsRepository {
  /** MigrationRunner: the table exists once it has been constructed. */
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    _migrations: MigrationRunner,
  ) {}

  /** When the list with this hash was first published (now, if it is new). */
  async publishedSince(listHash: string, now: Date): Promise<Date> {
    const recorded = await this.pool.query<{ updated_at: Date }>(RECORD_SQL, [listHash, now]);
    if (recorded.rows.length > 0) return recorded.rows[0].updated_at;
    const { rows } = await this.pool.query<{ updated_at: Date }>(
      'SELECT updated_at FROM outbound_ips_state WHERE id = 1',
    );
    return rows[0].updated_at;
  }
}
