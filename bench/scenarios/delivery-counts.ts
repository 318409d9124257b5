import { BenchContext } from '../context';

/**
 * Deliveries of some endpoints by status: one SQL count, the ground truth that confirms
 * what the receiver counted.
 */
export async function deliveryCounts(
  ctx: BenchContext,
  endpointIds: string[],
): Promise<Record<string, number>> {
  const rows = await ctx.db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM delivery WHERE endpoint_id = ANY($1) GROUP BY status',
    [endpointIds],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Waits (up to 10 s) until `count` deliveries of the endpoint are recorded as succeeded. */
export async function waitForRecorded(
  ctx: BenchContext,
  endpointId: string,
  count: number,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (((await deliveryCounts(ctx, [endpointId])).succeeded ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Leaves no pending work behind for the next scenario: deletes the endpoints through the API
 * (which cancels their pending deliveries). Returns how many deliveries are still open
 * (pending or delivering) according to SQL; the runner records it rather than failing.
 */
export async function retireEndpoints(
  ctx: BenchContext,
  appId: string,
  endpointIds: string[],
): Promise<number> {
  for (const id of endpointIds) {
    await ctx.admin
      .deleteEndpoint(appId, id)
      .catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  }
  const left = await deliveryCounts(ctx, endpointIds);
  return (left.pending ?? 0) + (left.delivering ?? 0);
}
