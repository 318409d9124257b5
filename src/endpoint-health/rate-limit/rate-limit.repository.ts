import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';

export interface TokenGrant {
  endpointId: string;
  rateLimit: number;
  granted: number;
  /** Tokens left in the shared bucket after this grant (fractional). */
  left: number;
}

/** The token bucket in the endpoint row (rate_tokens, rate_refilled_at), shared by every worker. */
@Injectable()
export class RateLimitRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Rate-limited endpoints that can receive deliveries: id → deliveries per second. */
  async limits(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: string; rate_limit: number }>({
      name: 'rate_limit_endpoints',
      text: 'SELECT id, rate_limit FROM endpoint WHERE rate_limit IS NOT NULL AND NOT disabled AND deleted_at IS NULL',
    });
    return new Map(rows.map((r) => [r.id, r.rate_limit]));
  }

  /**
   * Refills the buckets of the given endpoints to `now` and takes up to `wanted[i]` whole tokens
   * from each, in one statement for all of them. The bucket holds at most one second of tokens
   * (rate_limit) and starts full. Rows are locked in id order so two workers acquiring for the
   * same endpoints cannot deadlock; the refill clock never goes backwards (GREATEST), so a
   * worker whose clock lags cannot mint tokens.
   */
  async acquire(
    endpointIds: readonly string[],
    wanted: readonly number[],
    now: Date,
  ): Promise<TokenGrant[]> {
    if (endpointIds.length === 0) return [];
    const { rows } = await this.pool.query<{
      id: string;
      rate_limit: number;
      granted: number;
      left: number;
    }>({
      name: 'rate_limit_acquire',
      text: `WITH w AS (
               SELECT * FROM unnest($1::text[], $2::int[]) AS w(id, wanted)
             ), b AS (
               SELECT e.id, e.rate_limit, w.wanted,
                      LEAST(e.rate_limit::float8,
                            COALESCE(e.rate_tokens, e.rate_limit::float8)
                              + e.rate_limit * GREATEST(0, EXTRACT(EPOCH FROM ($3::timestamptz - COALESCE(e.rate_refilled_at, $3::timestamptz))))) AS tokens
                 FROM endpoint e JOIN w ON w.id = e.id
                WHERE e.rate_limit IS NOT NULL
                ORDER BY e.id
                  FOR UPDATE OF e
             )
             UPDATE endpoint e
                SET rate_tokens = b.tokens - LEAST(floor(b.tokens), b.wanted),
                    rate_refilled_at = GREATEST($3::timestamptz, COALESCE(e.rate_refilled_at, $3::timestamptz))
               FROM b
              WHERE e.id = b.id
             RETURNING e.id, b.rate_limit, LEAST(floor(b.tokens), b.wanted)::int AS granted, e.rate_tokens AS left`,
      values: [endpointIds, wanted, now],
    });
    return rows.map((r) => ({
      endpointId: r.id,
      rateLimit: r.rate_limit,
      granted: r.granted,
      left: r.left,
    }));
  }
}
