import { BoundedRegex } from './bounded-regex';
import { isJsonPrimitive, JsonPrimitive, JsonValue, jsonEquals } from './json-value';

/**
 * Tests one payload value (undefined when the path is missing) against one condition.
 * Operands are assumed valid: the filter compiler checks them before building a test.
 */
export type ValueTest = (value: unknown) => boolean;

export type ComparisonOperator = '$gt' | '$gte' | '$lt' | '$lte';
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['$gt', '$gte', '$lt', '$lte'];

/**
 * Equality the way Mongo does it: when the payload holds an array and the literal is not an
 * array, one equal element is enough (`{ tags: "vip" }` matches `tags: ["new", "vip"]`).
 */
export function equalsTest(expected: JsonValue): ValueTest {
  if (isJsonPrimitive(expected)) {
    return (value) => value === expected || (Array.isArray(value) && value.includes(expected));
  }
  if (Array.isArray(expected)) {
    return (value) => jsonEquals(value, expected);
  }
  return (value) =>
    jsonEquals(value, expected) ||
    (Array.isArray(value) && value.some((element) => jsonEquals(element, expected)));
}

export function oneOfTest(candidates: readonly JsonValue[]): ValueTest {
  if (candidates.every(isJsonPrimitive)) {
    // A Set keeps `$in` constant-time for the common case of long lists of ids or names.
    const primitives = new Set<unknown>(candidates as readonly JsonPrimitive[]);
    return (value) =>
      primitives.has(value) ||
      (Array.isArray(value) && value.some((element) => primitives.has(element)));
  }
  const tests = candidates.map(equalsTest);
  return (value) => tests.some((test) => test(value));
}

const NUMBER_COMPARISONS: Record<ComparisonOperator, (operand: number) => ValueTest> = {
  $gt: (operand) => (value) => typeof value === 'number' && value > operand,
  $gte: (operand) => (value) => typeof value === 'number' && value >= operand,
  $lt: (operand) => (value) => typeof value === 'number' && value < operand,
  $lte: (operand) => (value) => typeof value === 'number' && value <= operand,
};

/** Strings order by UTF-16 code units, as JavaScript compares them; no locale collation. */
const STRING_COMPARISONS: Record<ComparisonOperator, (operand: string) => ValueTest> = {
  $gt: (operand) => (value) => typeof value === 'string' && value > operand,
  $gte: (operand) => (value) => typeof value === 'string' && value >= operand,
  $lt: (operand) => (value) => typeof value === 'string' && value < operand,
  $lte: (operand) => (value) => typeof value === 'string' && value <= operand,
};

/** Numbers compare with numbers and strings with strings; any other pairing is no match. */
export function comparisonTest(operator: ComparisonOperator, operand: number | string): ValueTest {
  return typeof operand === 'number'
    ? NUMBER_COMPARISONS[operator](operand)
    : STRING_COMPARISONS[operator](operand);
}

export function existsTest(shouldExist: boolean): ValueTest {
  return shouldExist ? (value) => value !== undefined : (value) => value === undefined;
}

/** Only string values can match; numbers are not stringified, so `^4` never matches 42. */
export function regexTest(regex: BoundedRegex): ValueTest {
  return (value) => typeof value === 'string' && regex.test(value);
}

export function negatedTest(test: ValueTest): ValueTest {
  return (value) => !test(value);
}
