/** PostgreSQL SQLSTATE codes the repositories translate into domain errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export function isPgError(err: unknown, code: string): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  return e?.code === code || e?.driverError?.code === code;
}
