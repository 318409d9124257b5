export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Any non-null, non-array object: payloads are parsed JSON, so this is a JSON object there. */
export function isObjectRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain object as JSON.parse builds it. Filters are stored as JSON, so anything else
 * (a Date, a class instance) would not survive a round trip and is refused.
 */
export function isPlainJsonObject(value: unknown): value is Record<string, unknown> {
  if (!isObjectRecord(value)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function isJsonPrimitive(value: unknown): value is JsonPrimitive {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Structural equality of a payload value with a JSON literal: arrays in order, objects by
 * their own keys regardless of key order.
 */
export function jsonEquals(actual: unknown, expected: JsonValue): boolean {
  if (expected === null || typeof expected !== 'object') {
    return actual === expected;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return false;
    }
    for (let index = 0; index < expected.length; index++) {
      if (!jsonEquals(actual[index], expected[index])) {
        return false;
      }
    }
    return true;
  }
  if (!isObjectRecord(actual)) {
    return false;
  }
  const expectedKeys = Object.keys(expected);
  if (Object.keys(actual).length !== expectedKeys.length) {
    return false;
  }
  for (const key of expectedKeys) {
    if (!Object.hasOwn(actual, key) || !jsonEquals(actual[key], expected[key])) {
      return false;
    }
  }
  return true;
}
