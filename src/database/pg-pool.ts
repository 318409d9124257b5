/** Injection token of the raw `pg.Pool` used by hot-path repositories. */
export const PG_POOL = Symbol('PG_POOL');
