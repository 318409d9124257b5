import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import type { Capability } from '../../common/auth/capabilities';

export interface ApiKeyRow {
  id: string;
  app_id: string;
  name: string;
  capabilities: Capability[];
  secret_hash: Buffer;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, app_id, name, capabilities, secret_hash, created_at, revoked_at';

@Injectable()
export class ApiKeysRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async insert(row: Omit<ApiKeyRow, 'revoked_at'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_key (id, app_id, name, capabilities, secret_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.app_id, row.name, row.capabilities, row.secret_hash, row.created_at],
    );
  }

  /** One primary-key read per request that presents an app key. */
  async find(id: string): Promise<ApiKeyRow | null> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_key WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async list(appId: string, limit: number, after: string | undefined): Promise<ApiKeyRow[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_key WHERE app_id = $1 AND ($2::text IS NULL OR id > $2)
        ORDER BY id LIMIT $3`,
      [appId, after ?? null, limit + 1],
    );
    return rows;
  }

  /** true when a live key of the app was revoked. */
  async revoke(appId: string, id: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE api_key SET revoked_at = $3 WHERE id = $1 AND app_id = $2 AND revoked_at IS NULL',
      [id, appId, at],
    );
    return rowCount === 1;
  }
}
