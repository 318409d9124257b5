import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import type { AuthTokenScheme } from '../../endpoints/endpoint-rules';

export interface EndpointConfigRow {
  id: string;
  app_id: string;
  url: string;
  headers: Record<string, string>;
  auth_token_enc: Buffer | null;
  auth_token_scheme: AuthTokenScheme;
  signature_header: string | null;
  send_trace_context: boolean;
  secret_enc: Buffer;
  previous_secret_enc: Buffer | null;
  previous_secret_expires_at: Date | null;
  retry_schedule: number[] | null;
  app_retry_schedule: number[] | null;
  updated_at: Date;
}

@Injectable()
export class EndpointConfigRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** One round trip for every endpoint a claimed batch needs that is not cached. */
  async findMany(ids: readonly string[]): Promise<EndpointConfigRow[]> {
    const { rows } = await this.pool.query<EndpointConfigRow>({
      name: 'delivery_endpoint_configs',
      text: `SELECT e.id, e.app_id, e.url, e.headers, e.auth_token_enc, e.auth_token_scheme, e.signature_header, e.send_trace_context, e.secret_enc,
                    e.previous_secret_enc, e.previous_secret_expires_at, e.retry_schedule,
                    a.retry_schedule AS app_retry_schedule, e.updated_at
               FROM endpoint e JOIN app a ON a.id = e.app_id
              WHERE e.id = ANY($1::text[])`,
      values: [ids],
    });
    return rows;
  }
}
