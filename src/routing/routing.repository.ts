import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import type { MatchableSubscription, PayloadFilter } from '../matching';

interface RoutableSubscriptionRow {
  id: string;
  endpoint_id: string;
  event_types: string[];
  filter: PayloadFilter | null;
  ordered: boolean;
}

@Injectable()
export class RoutingRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * The subscriptions that can route a message of the app: those of endpoints neither deleted
   * nor disabled, with whether the endpoint delivers in order (FIFO). Raw SQL on the pool: this runs on the ingest path whenever a cache entry is
   * missing. Ordered by endpoint then subscription id, so match results are stable.
   */
  async routableSubscriptions(appId: string): Promise<MatchableSubscription[]> {
    const { rows } = await this.pool.query<RoutableSubscriptionRow>(
      `SELECT s.id, s.endpoint_id, s.event_types, s.filter, e.ordering = 'fifo' AS ordered
         FROM subscription s
         JOIN endpoint e ON e.id = s.endpoint_id
        WHERE s.app_id = $1 AND e.deleted_at IS NULL AND NOT e.disabled
        ORDER BY s.endpoint_id, s.id`,
      [appId],
    );
    return rows.map((row) => ({
      subscriptionId: row.id,
      endpointId: row.endpoint_id,
      eventTypes: row.event_types,
      filter: row.filter,
      ordered: row.ordered,
    }));
  }
}
