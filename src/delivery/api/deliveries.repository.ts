import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';

/** Existence checks of the deliveries routes; delivery and attempt rows are read by QueueReadsRepository. */
@Injectable()
export class DeliveriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async messageExists(appId: string, messageId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM message WHERE id = $1 AND app_id = $2',
      [messageId, appId],
    );
    return (rowCount ?? 0) > 0;
  }

  async endpointExists(appId: string, endpointId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM endpoint WHERE id = $1 AND app_id = $2 AND deleted_at IS NULL',
      [endpointId, appId],
    );
    return (rowCount ?? 0) > 0;
  }
}
