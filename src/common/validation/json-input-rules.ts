/**
 * Rules every JSON request body and every path/query value obeys, checked once at the edge so
 * that no route can be handed input that would crash it or that PostgreSQL refuses (which used
 * to surface as a 500). Pure: no Nest or Fastify imports.
 */

/**
 * Deepest nesting of objects and arrays a request body may have. Bodies ≥ 1,500 levels
 * overflowed the stack in validation (a 500), and a 10,000-level payload was stored but could
 * not be read back. Payloads get this minus the few levels of their envelope (a batch message
 * sits 3 levels down), far beyond any realistic event.
 */
export const MAX_JSON_DEPTH = 64;

export interface InputProblem {
  field: string;
  message: string;
}

/**
 * The nesting depth of a JSON text, counted without parsing it (so a hostile depth costs one
 * linear scan and no stack): brackets inside strings do not count.
 */
export function jsonDepthExceeds(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** Why a string cannot be stored (PostgreSQL text refuses NUL; UTF-8 cannot carry a lone surrogate). */
export function unstorableStringReason(value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return 'must not contain a NUL character (\\u0000)';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'must not contain a lone UTF-16 surrogate';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'must not contain a lone UTF-16 surrogate';
  }
  return null;
}

function childField(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * The first value in a parsed JSON body that cannot be stored: a string (or key) with NUL or
 * a lone surrogate, or a number JSON.parse turned into ±Infinity (`1e400`, which PostgreSQL's
 * jsonb would have kept as null). `skip(field)` leaves a subtree out (message payloads are
 * stored as the text sent, so they keep whatever JSON allows). The depth was capped before
 * parsing, so the recursion is bounded.
 */
export function findUnstorableValue(
  value: unknown,
  skip: (field: string) => boolean = () => false,
  field = '',
): InputProblem | null {
  if (field !== '' && skip(field)) return null;
  const name = field === '' ? 'body' : field;
  if (typeof value === 'string') {
    const reason = unstorableStringReason(value);
    return reason === null ? null : { field: name, message: `${name} ${reason}` };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { field: name, message: `${name} must be a finite number (${value} is out of range)` };
  }
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findUnstorableValue(value[i], skip, childField(field, i));
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    const keyReason = unstorableStringReason(key);
    if (keyReason !== null) {
      const where = field === '' ? 'body' : field;
      return { field: where, message: `a key in ${where} ${keyReason}` };
    }
    const problem = findUnstorableValue(child, skip, childField(field, key));
    if (problem) return problem;
  }
  return null;
}
