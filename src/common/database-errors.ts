/** PostgreSQL SQLSTATE codes the repositories translate into domain errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export function isPgError(err: unknown, code: string): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  return e?.code === code || e?.driverError?.code === code;
}

/**
 * SQLSTATE classes a request can cause with a value PostgreSQL refuses: 22 (data exception:
 * NUL or an untranslatable character, a number or date out of range, a bad regex) and 54
 * (program limit exceeded: a value too large for an index). The DTOs refuse such input first,
 * naming the field; this only keeps whatever slips past them from answering 500.
 */
const CLIENT_DATA_CLASSES = ['22', '54'];

export function clientDataErrorState(err: unknown): string | null {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof e?.driverError?.code === 'string' ? e.driverError.code : e?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  return CLIENT_DATA_CLASSES.includes(code.slice(0, 2)) ? code : null;
}
