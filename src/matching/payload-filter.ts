import { compileBoundedRegex, REGEX_PROGRAM_MAX_SIZE } from './bounded-regex';
import {
  COMPARISON_OPERATORS,
  ComparisonOperator,
  comparisonTest,
  equalsTest,
  existsTest,
  negatedTest,
  oneOfTest,
  regexTest,
  ValueTest,
} from './filter-conditions';
import {
  isJsonPrimitive,
  isObjectRecord,
  isPlainJsonObject,
  JsonObject,
  JsonValue,
} from './json-value';

/**
 * A Mongo-like filter over a message payload, stored as JSON on a subscription:
 * `{ "customer.plan": "pro", "amount": { "$gte": 100 }, "$or": [{ ... }, { ... }] }`.
 * Keys are dotted field paths or `$and` / `$or` / `$not`; a field's value is a literal
 * (equality) or an object of operators. Evaluation is a tree of closures built once, so a
 * tenant's filter never reaches `eval` and costs no parsing per message.
 */
export type PayloadFilter = JsonObject;
export type PayloadPredicate = (payload: unknown) => boolean;

export interface FilterIssue {
  /** Where the problem is, e.g. `filter.$or[1].amount.$gte`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Depth counts nested filter levels (`$and` / `$or` / `$not`) and nested literal objects or
 * arrays; the top level is 1. Both limits bound the work one message can cost.
 */
export const PAYLOAD_FILTER_MAX_DEPTH = 8;
/** Each literal and each operator is one condition; `$options` and logical operators are not. */
export const PAYLOAD_FILTER_MAX_CONDITIONS = 64;
/**
 * A `$regex` costs up to its program size per input character, so the budget is shared by all
 * the patterns of a filter rather than granted to each of its 64 conditions.
 */
export const PAYLOAD_FILTER_MAX_REGEX_PROGRAM_SIZE = REGEX_PROGRAM_MAX_SIZE;

export class InvalidPayloadFilterError extends Error {
  readonly code = 'INVALID_PAYLOAD_FILTER';

  constructor(readonly issues: readonly FilterIssue[]) {
    super(`invalid payload filter: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    this.name = 'InvalidPayloadFilterError';
  }
}

/** Every problem in the filter, each with its path; empty when the filter can be saved. */
export function validatePayloadFilter(filter: unknown): FilterIssue[] {
  return new FilterCompiler().compile(filter).issues;
}

/** Throws InvalidPayloadFilterError rather than compiling a filter that skipped validation. */
export function compilePayloadFilter(filter: PayloadFilter): PayloadPredicate {
  const { predicate, issues } = new FilterCompiler().compile(filter);
  if (issues.length > 0) {
    throw new InvalidPayloadFilterError(issues);
  }
  return predicate;
}

const ROOT_PATH = 'filter';
const FIELD_OPERATOR_NAMES =
  '$eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists, $regex (with optional $options)';
const MATCH_NOTHING = (): false => false;

/**
 * Validation and compilation are one walk, so the rules that decide what is valid are the
 * same code that decides what runs. An invalid filter still yields a (useless) predicate.
 */
class FilterCompiler {
  private readonly issues: FilterIssue[] = [];
  private conditionCount = 0;
  private regexProgramSize = 0;

  compile(filter: unknown): { predicate: PayloadPredicate; issues: FilterIssue[] } {
    const predicate = this.compileDocument(filter, ROOT_PATH, 1);
    if (this.conditionCount > PAYLOAD_FILTER_MAX_CONDITIONS) {
      this.reject(
        ROOT_PATH,
        `has ${this.conditionCount} conditions; at most ${PAYLOAD_FILTER_MAX_CONDITIONS} are allowed`,
      );
    }
    if (this.regexProgramSize > PAYLOAD_FILTER_MAX_REGEX_PROGRAM_SIZE) {
      this.reject(
        ROOT_PATH,
        `has $regex patterns of ${this.regexProgramSize} instructions in total; at most ${PAYLOAD_FILTER_MAX_REGEX_PROGRAM_SIZE} are allowed`,
      );
    }
    return { predicate, issues: this.issues };
  }

  private compileDocument(node: unknown, path: string, depth: number): PayloadPredicate {
    if (!isPlainJsonObject(node)) {
      return this.reject(path, 'must be an object of conditions');
    }
    if (depth > PAYLOAD_FILTER_MAX_DEPTH) {
      return this.reject(path, `is nested more than ${PAYLOAD_FILTER_MAX_DEPTH} levels deep`);
    }
    const predicates = Object.entries(node).map(([key, value]) =>
      key.startsWith('$')
        ? this.compileLogical(key, value, `${path}.${key}`, depth)
        : this.compileField(key, value, `${path}.${key}`, depth),
    );
    return allOf(predicates);
  }

  private compileLogical(
    operator: string,
    operand: unknown,
    path: string,
    depth: number,
  ): PayloadPredicate {
    switch (operator) {
      case '$and':
        return allOf(this.compileDocumentList(operand, path, depth));
      case '$or':
        return anyOf(this.compileDocumentList(operand, path, depth));
      case '$not': {
        const negated = this.compileDocument(operand, path, depth + 1);
        return (payload) => !negated(payload);
      }
      default:
        return this.reject(
          path,
          `unknown operator "${operator}"; a filter level takes field paths, $and, $or or $not`,
        );
    }
  }

  private compileDocumentList(operand: unknown, path: string, depth: number): PayloadPredicate[] {
    if (!Array.isArray(operand) || operand.length === 0) {
      return [this.reject(path, 'must be a non-empty array of filters')];
    }
    return operand.map((element, index) =>
      this.compileDocument(element, `${path}[${index}]`, depth + 1),
    );
  }

  private compileField(
    fieldPath: string,
    value: unknown,
    path: string,
    depth: number,
  ): PayloadPredicate {
    const segments = fieldPath.split('.');
    if (segments.some((segment) => segment.length === 0)) {
      return this.reject(
        path,
        'a field path must not contain empty segments (leading, trailing or doubled dots)',
      );
    }
    const test =
      isPlainJsonObject(value) && Object.keys(value).some(isOperatorName)
        ? this.compileOperators(value, path, depth)
        : this.compileLiteralTest(value, path, depth);
    const readField = compileFieldReader(segments);
    return (payload) => test(readField(payload));
  }

  private compileLiteralTest(value: unknown, path: string, depth: number): ValueTest {
    this.conditionCount++;
    return this.checkLiteral(value, path, depth) ? equalsTest(value) : MATCH_NOTHING;
  }

  private compileOperators(
    operators: Record<string, unknown>,
    path: string,
    depth: number,
  ): ValueTest {
    const names = Object.keys(operators);
    if (!names.every(isOperatorName)) {
      this.reject(
        path,
        'mixes operators with plain fields; use either an object of operators or a literal value',
      );
      return MATCH_NOTHING;
    }
    const tests: ValueTest[] = [];
    for (const name of names) {
      const test = this.compileOperator(name, operators, path, depth);
      if (test !== null) {
        tests.push(test);
      }
    }
    return allOfValues(tests);
  }

  /** Returns null for `$options`, which only modifies its sibling `$regex`. */
  private compileOperator(
    name: string,
    operators: Record<string, unknown>,
    fieldPath: string,
    depth: number,
  ): ValueTest | null {
    const operand = operators[name];
    const path = `${fieldPath}.${name}`;
    switch (name) {
      case '$eq':
        return this.compileLiteralTest(operand, path, depth);
      case '$ne':
        return negatedTest(this.compileLiteralTest(operand, path, depth));
      case '$in':
        return this.compileOneOf(operand, path, depth);
      case '$nin':
        return negatedTest(this.compileOneOf(operand, path, depth));
      case '$exists':
        this.conditionCount++;
        return typeof operand === 'boolean'
          ? existsTest(operand)
          : this.reject(path, 'must be true or false');
      case '$regex':
        this.conditionCount++;
        return this.compileRegex(operand, operators.$options, fieldPath);
      case '$options':
        return '$regex' in operators ? null : this.reject(path, 'is only allowed beside $regex');
      default:
        if (isComparisonOperator(name)) {
          this.conditionCount++;
          return (typeof operand === 'number' && Number.isFinite(operand)) ||
            typeof operand === 'string'
            ? comparisonTest(name, operand)
            : this.reject(path, 'must be a number or a string');
        }
        return this.reject(
          path,
          `unknown operator "${name}"; expected one of ${FIELD_OPERATOR_NAMES}`,
        );
    }
  }

  private compileOneOf(operand: unknown, path: string, depth: number): ValueTest {
    this.conditionCount++;
    if (!Array.isArray(operand)) {
      return this.reject(path, 'must be an array of values');
    }
    const candidates: JsonValue[] = [];
    operand.forEach((candidate: unknown, index) => {
      if (this.checkLiteral(candidate, `${path}[${index}]`, depth)) {
        candidates.push(candidate);
      }
    });
    return oneOfTest(candidates);
  }

  private compileRegex(pattern: unknown, options: unknown, fieldPath: string): ValueTest {
    if (typeof pattern !== 'string') {
      return this.reject(`${fieldPath}.$regex`, 'must be a string');
    }
    if (options !== undefined && typeof options !== 'string') {
      return this.reject(`${fieldPath}.$options`, 'must be a string of flags ("i", "m", "s")');
    }
    const compiled = compileBoundedRegex(pattern, options ?? '');
    if (!compiled.ok) {
      const operator = compiled.invalid === 'pattern' ? '$regex' : '$options';
      return this.reject(`${fieldPath}.${operator}`, compiled.message);
    }
    this.regexProgramSize += compiled.regex.programSize;
    return regexTest(compiled.regex);
  }

  /** A literal nests one level deeper per object or array, counted from its filter level. */
  private checkLiteral(value: unknown, path: string, depth: number): value is JsonValue {
    if (isJsonPrimitive(value)) {
      return true;
    }
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainJsonObject(value)) {
      this.reject(
        path,
        'must be a JSON value (string, finite number, boolean, null, array or object)',
      );
      return false;
    }
    if (depth + 1 > PAYLOAD_FILTER_MAX_DEPTH) {
      this.reject(path, `is nested more than ${PAYLOAD_FILTER_MAX_DEPTH} levels deep`);
      return false;
    }
    const children: Array<[string, unknown]> = isArray
      ? value.map((element: unknown, index) => [`${path}[${index}]`, element])
      : Object.entries(value).map(([key, child]) => [`${path}.${key}`, child]);
    let valid = true;
    for (const [childPath, child] of children) {
      valid = this.checkLiteral(child, childPath, depth + 1) && valid;
    }
    return valid;
  }

  private reject(path: string, message: string): () => false {
    this.issues.push({ path, message });
    return MATCH_NOTHING;
  }
}

function isOperatorName(key: string): boolean {
  return key.startsWith('$');
}

function isComparisonOperator(name: string): name is ComparisonOperator {
  return (COMPARISON_OPERATORS as readonly string[]).includes(name);
}

function allOf(predicates: PayloadPredicate[]): PayloadPredicate {
  if (predicates.length === 1) {
    return predicates[0];
  }
  return (payload) => {
    for (const predicate of predicates) {
      if (!predicate(payload)) {
        return false;
      }
    }
    return true;
  };
}

function anyOf(predicates: PayloadPredicate[]): PayloadPredicate {
  return (payload) => {
    for (const predicate of predicates) {
      if (predicate(payload)) {
        return true;
      }
    }
    return false;
  };
}

function allOfValues(tests: ValueTest[]): ValueTest {
  return tests.length === 1 ? tests[0] : allOf(tests);
}

type FieldReader = (payload: unknown) => unknown;
const ARRAY_INDEX_SEGMENT = /^(0|[1-9][0-9]*)$/;

/**
 * Reads own properties only, so `constructor` or `__proto__` in a path never reaches the
 * prototype chain. A numeric segment indexes into an array (`items.0.sku`).
 */
function compileFieldReader(segments: string[]): FieldReader {
  const steps = segments.map((key) => ({
    key,
    index: ARRAY_INDEX_SEGMENT.test(key) ? Number(key) : -1,
  }));
  if (steps.length === 1) {
    const [{ key, index }] = steps;
    return (payload) => readStep(payload, key, index);
  }
  return (payload) => {
    let current = payload;
    for (const step of steps) {
      current = readStep(current, step.key, step.index);
      if (current === undefined) {
        return undefined;
      }
    }
    return current;
  };
}

function readStep(container: unknown, key: string, index: number): unknown {
  if (Array.isArray(container)) {
    return index >= 0 && index < container.length ? container[index] : undefined;
  }
  return isObjectRecord(container) && Object.hasOwn(container, key) ? container[key] : undefined;
}
