import type { EntityManager } from 'typeorm';

/**
 * The PostgreSQL NOTIFY channels of Hookrelay, spelled once. Writers NOTIFY inside their
 * transaction where they have one, so a signal goes out on commit and never for a rolled-back
 * write; listeners treat a signal as a hint (the worker's sweep is the fallback).
 */

/** New or re-queued work: idle delivery workers claim at once. No payload. */
export const DELIVERIES_CHANNEL = 'hookrelay_deliveries';

/** An app's routing or endpoints changed; the payload is the app id. */
export const ROUTING_CHANNEL = 'hookrelay_routing';

/** Wakes idle workers (their sweep is the fallback should this be lost). */
export const WAKE_WORKERS_SQL = `SELECT pg_notify('${DELIVERIES_CHANNEL}', '')`;

/** Parameter $1: the app id. */
export const ROUTING_NOTIFY_SQL = `SELECT pg_notify('${ROUTING_CHANNEL}', $1)`;

/** Parameter $1: app ids (one notification each). */
export const ROUTING_NOTIFY_MANY_SQL = `SELECT pg_notify('${ROUTING_CHANNEL}', a) FROM unnest($1::text[]) AS a`;

/** Tells every API process (on commit of `tx`) to drop its routing table for the app. */
export async function notifyRoutingChanged(tx: EntityManager, appId: string): Promise<void> {
  await tx.query(ROUTING_NOTIFY_SQL, [appId]);
}
