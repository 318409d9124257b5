/** Injection token of the raw `pg.Pool` used by hot-path repositories. */
export const PG_POOL = Symbol('PG_POOL');

/**
 * Injection token of `() => string | null`: why the database server is gone for good (the
 * embedded PostgreSQL died and could not be restarted), else null. Liveness fails on it.
 */
export const DATABASE_SERVER_FAILURE = Symbol('DATABASE_SERVER_FAILURE');
export type DatabaseServerFailure = () => string | null;
