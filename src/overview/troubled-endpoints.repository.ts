import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

export interface TroubledEndpointRow {
  id: string;
  appId: string;
  url: string;
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  circuitOpenUntil: Date | null;
  consecutiveFailures: number;
  failingSince: Date | null;
}

interface Row {
  id: string;
  app_id: string;
  url: string;
  description: string;
  disabled: boolean;
  disabled_reason: string | null;
  circuit_open_until: Date | null;
  consecutive_failures: number;
  failing_since: Date | null;
}

/** Endpoints of every app that are disabled or have an open circuit (read only). */
@Injectable()
export class TroubledEndpointsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Keyset page by id on the partial endpoint_troubled_idx: the first condition repeats the
   * index predicate so the planner can use it; the second drops circuits that have closed.
   */
  async page(
    now: Date,
    afterId: string | undefined,
    limit: number,
  ): Promise<TroubledEndpointRow[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT id, app_id, url, description, disabled, disabled_reason, circuit_open_until,
              consecutive_failures, failing_since
         FROM endpoint
        WHERE deleted_at IS NULL AND (disabled OR circuit_open_until IS NOT NULL)
          AND (disabled OR circuit_open_until > $1)
          AND ($2::text IS NULL OR id > $2)
        ORDER BY id
        LIMIT $3`,
      [now, afterId ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      appId: r.app_id,
      url: r.url,
      description: r.description,
      disabled: r.disabled,
      disabledReason: r.disabled_reason,
      circuitOpenUntil: r.circuit_open_until,
      consecutiveFailures: r.consecutive_failures,
      failingSince: r.failing_since,
    }));
  }
}
