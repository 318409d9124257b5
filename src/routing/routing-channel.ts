import type { EntityManager } from 'typeorm';

/**
 * The PostgreSQL NOTIFY channel that tells every API process an app's routing changed; the
 * payload is the app id. Writers run ROUTING_NOTIFY_SQL inside their transaction, so the
 * signal goes out on commit and never for a rolled-back write.
 */
export const ROUTING_CHANNEL = 'hookrelay_routing';

/** Parameter $1: the app id. */
export const ROUTING_NOTIFY_SQL = `SELECT pg_notify('${ROUTING_CHANNEL}', $1)`;

/** Tells every API process (on commit of `tx`) to drop its routing table for the app. */
export async function notifyRoutingChanged(tx: EntityManager, appId: string): Promise<void> {
  await tx.query(ROUTING_NOTIFY_SQL, [appId]);
}
