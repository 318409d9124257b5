import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { ROUTING_NOTIFY_MANY_SQL } from '../queue/channels';
import { EndpointQueueRepository } from '../queue/endpoint-queue.repository';
import type { EndpointHealthState, HealthTransition } from './health-transitions';
import type { EndpointBatchSummary } from './outcome-summary';

interface StateRow {
  id: string;
  app_id: string;
  url: string;
  disabled: boolean;
  consecutive_failures: number;
  failing_since: Date | null;
  circuit_open_until: Date | null;
  circuit_opens: number;
}

export interface PlannedTransition {
  state: EndpointHealthState;
  transition: HealthTransition;
}

const STATE_COLUMNS =
  'e.id, e.app_id, e.url, e.disabled, e.consecutive_failures, e.failing_since, e.circuit_open_until, e.circuit_opens';

/**
 * Health columns of `endpoint` (breaker and auto-disable state), shared by every worker
 * process. Raw SQL on the pool: it runs once per recorded batch, next to the hot path.
 */
@Injectable()
export class EndpointHealthRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly endpointQueue: EndpointQueueRepository,
  ) {}

  /**
   * Applies one recorded batch to the failure counters in one statement and returns the new
   * state of the endpoints it changed. A success restarts the streak and closes the circuit.
   * Rows the batch leaves as they are (a healthy endpoint's successes) are not written, so
   * the common case costs no row version and no lock on a busy endpoint.
   */
  async applyOutcomes(batch: readonly EndpointBatchSummary[]): Promise<EndpointHealthState[]> {
    if (batch.length === 0) return [];
    const { rows } = await this.pool.query<StateRow>({
      name: 'endpoint_health_apply_outcomes',
      text: `WITH s AS (
               SELECT * FROM unnest($1::text[], $2::bool[], $3::int[], $4::timestamptz[]) AS s(id, recovered, failures, first_failure_at)
             )
             UPDATE endpoint e
                SET consecutive_failures = CASE WHEN s.recovered THEN s.failures ELSE e.consecutive_failures + s.failures END,
                    failing_since = CASE WHEN s.failures = 0 THEN NULL
                                         WHEN s.recovered THEN s.first_failure_at
                                         ELSE COALESCE(e.failing_since, s.first_failure_at) END,
                    circuit_open_until = CASE WHEN s.recovered THEN NULL ELSE e.circuit_open_until END,
                    circuit_opens = CASE WHEN s.recovered THEN 0 ELSE e.circuit_opens END
               FROM s
              WHERE e.id = s.id AND e.deleted_at IS NULL
                AND NOT (s.recovered AND s.failures = 0 AND e.consecutive_failures = 0 AND e.failing_since IS NULL
                         AND e.circuit_open_until IS NULL AND e.circuit_opens = 0)
             RETURNING ${STATE_COLUMNS}`,
      values: [
        batch.map((s) => s.endpointId),
        batch.map((s) => s.recovered),
        batch.map((s) => s.failures),
        batch.map((s) => s.firstFailureAt),
      ],
    });
    return rows.map(toState);
  }

  /**
   * Opens circuits and disables endpoints in one statement. Each row changes only if nobody
   * changed its circuit since `state` was read (another worker may have opened it first), so
   * every transition — and its operational event — happens once. Disabling also forgets the
   * circuit history (a re-enabled endpoint starts afresh) and, in the same transaction, parks
   * the endpoint's pending deliveries (EndpointQueueRepository.park). Routing listeners are told
   * on commit (a disabled endpoint leaves routing; other workers refresh their gates at once).
   * Returns the applied ones.
   */
  async applyTransitions(
    planned: readonly PlannedTransition[],
    now: Date,
  ): Promise<Array<PlannedTransition & { after: EndpointHealthState }>> {
    if (planned.length === 0) return [];
    const client = await this.pool.connect();
    let rows: StateRow[];
    try {
      await client.query('BEGIN');
      ({ rows } = await client.query<StateRow>({
        name: 'endpoint_health_apply_transitions',
        text: `WITH t AS (
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[])
                   AS t(id, kind, reason, open_until, expected_until, expected_opens)
               )
               UPDATE endpoint e
                  SET disabled = e.disabled OR t.kind = 'disable',
                      disabled_reason = CASE WHEN t.kind = 'disable' THEN t.reason ELSE e.disabled_reason END,
                      updated_at = CASE WHEN t.kind = 'disable' THEN $7 ELSE e.updated_at END,
                      circuit_open_until = CASE WHEN t.kind = 'open' THEN t.open_until WHEN t.kind = 'disable' THEN NULL ELSE e.circuit_open_until END,
                      circuit_opens = CASE WHEN t.kind = 'open' THEN e.circuit_opens + 1 ELSE 0 END
                 FROM t
                WHERE e.id = t.id AND NOT e.disabled AND e.deleted_at IS NULL
                  AND (t.kind = 'disable' OR (e.circuit_open_until IS NOT DISTINCT FROM t.expected_until AND e.circuit_opens = t.expected_opens))
               RETURNING ${STATE_COLUMNS}`,
        values: [
          planned.map((p) => p.state.id),
          planned.map((p) => p.transition.kind),
          planned.map((p) => p.transition.reason),
          planned.map((p) => (p.transition.kind === 'open' ? p.transition.openUntil : null)),
          planned.map((p) => p.state.circuitOpenUntil),
          planned.map((p) => p.state.circuitOpens),
          now,
        ],
      }));
      const disabled = rows.filter((r) => r.disabled).map((r) => r.id);
      if (disabled.length > 0) await this.endpointQueue.park(client, disabled, now);
      if (rows.length > 0) await client.query(ROUTING_NOTIFY_MANY_SQL, [appIdsOf(rows)]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    const after = new Map(rows.map((r) => [r.id, toState(r)]));
    return planned.flatMap((p) => {
      const state = after.get(p.state.id);
      return state ? [{ ...p, after: state }] : [];
    });
  }

  /** Every process drops its routing and endpoint caches for these apps and refreshes its gates. */
  async notifyRoutingChanged(appIds: readonly string[]): Promise<void> {
    if (appIds.length === 0) return;
    await this.pool.query(ROUTING_NOTIFY_MANY_SQL, [[...new Set(appIds)]]);
  }

  /** Endpoints whose circuit is open or half-open (cool-down over, probe not yet decided). */
  async circuitsNotClosed(): Promise<Array<{ id: string; openUntil: Date }>> {
    const { rows } = await this.pool.query<{ id: string; circuit_open_until: Date }>({
      name: 'endpoint_health_open_circuits',
      text: 'SELECT id, circuit_open_until FROM endpoint WHERE circuit_open_until IS NOT NULL AND NOT disabled AND deleted_at IS NULL',
    });
    return rows.map((r) => ({ id: r.id, openUntil: r.circuit_open_until }));
  }

  /**
   * Takes the half-open probe of endpoints whose cool-down is over: pushing circuit_open_until
   * to `probeUntil` keeps every other worker out while this one sends the single probe.
   * Returns the ids this worker won.
   */
  async takeProbes(ids: readonly string[], now: Date, probeUntil: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'endpoint_health_take_probes',
      text: `UPDATE endpoint SET circuit_open_until = $3
              WHERE id = ANY($1::text[]) AND circuit_open_until <= $2 AND NOT disabled AND deleted_at IS NULL
              RETURNING id`,
      values: [ids, now, probeUntil],
    });
    return rows.map((r) => r.id);
  }

  /** The id of the operational-events app, given its id or uid; null when it does not exist. */
  async appIdOf(appIdOrUid: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM app WHERE id = $1 OR uid = $1 LIMIT 1',
      [appIdOrUid],
    );
    return rows[0]?.id ?? null;
  }
}

function appIdsOf(rows: readonly StateRow[]): string[] {
  return [...new Set(rows.map((r) => r.app_id))];
}

function toState(r: StateRow): EndpointHealthState {
  return {
    id: r.id,
    appId: r.app_id,
    url: r.url,
    disabled: r.disabled,
    consecutiveFailures: r.consecutive_failures,
    failingSince: r.failing_since,
    circuitOpenUntil: r.circuit_open_until,
    circuitOpens: r.circuit_opens,
  };
}
