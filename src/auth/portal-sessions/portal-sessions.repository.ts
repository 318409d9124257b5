import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import type { Capability } from '../../common/auth/capabilities';

export interface PortalSessionRow {
  id: string;
  app_id: string;
  capabilities: Capability[];
  endpoint_ids: string[] | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, app_id, capabilities, endpoint_ids, created_at, expires_at, revoked_at';

@Injectable()
export class PortalSessionsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async insert(row: Omit<PortalSessionRow, 'revoked_at'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO portal_session (id, app_id, capabilities, endpoint_ids, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.app_id, row.capabilities, row.endpoint_ids, row.created_at, row.expires_at],
    );
  }

  /** Read on every portal request: revocation must hold in every process at once. */
  async find(id: string): Promise<PortalSessionRow | null> {
    const { rows } = await this.pool.query<PortalSessionRow>(
      `SELECT ${COLUMNS} FROM portal_session WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** true when a live session of the app was revoked. */
  async revoke(appId: string, id: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE portal_session SET revoked_at = $3 WHERE id = $1 AND app_id = $2 AND revoked_at IS NULL',
      [id, appId, at],
    );
    return rowCount === 1;
  }

  /**
   * Sessions that ended before `before` (expired or revoked): their tokens are refused
   * anyway (a token past its `exp`, a session without a row). Bounded per statement.
   */
  async purgeEnded(before: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM portal_session WHERE id IN (
         SELECT id FROM portal_session WHERE expires_at < $1 OR revoked_at < $1 LIMIT $2)`,
      [before, limit],
    );
    return rowCount ?? 0;
  }

  /** Of the given ids, those that are live endpoints of the app. */
  async liveEndpointIds(appId: string, ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM endpoint WHERE app_id = $1 AND id = ANY($2) AND deleted_at IS NULL',
      [appId, ids],
    );
    return rows.map((r) => r.id);
  }
}
