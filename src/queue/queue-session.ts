/**
 * A connection inside the caller's transaction: a pg `PoolClient` or a TypeORM
 * `EntityManager` both fit. Queue statements that must commit or roll back with a feature's
 * own write (parking deliveries in the transaction that disables their endpoint) take one.
 */
export interface QueueSession {
  query(text: string, values?: unknown[]): Promise<unknown>;
}
