import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { compileBoundedRegex } from '../matching/bounded-regex';

export interface SchemaProblem {
  path: string;
  message: string;
}

/** A stored schema that cannot be compiled (saved before a check existed, or written around the API). */
export class UnusableSchemaError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`the JSON Schema of "${key}" cannot be compiled: ${reason}`);
  }
}

function describe(errors: ErrorObject[] | null | undefined, root: string): SchemaProblem[] {
  return (errors ?? []).map((e) => ({
    path: `${root}${e.instancePath.replace(/\//g, '.')}`,
    message: e.message ?? 'is invalid',
  }));
}

/**
 * Compiles one schema in an Ajv instance of its own. A shared instance registers every
 * compiled schema under its `$id`: a second event type (or an edited version) with the same
 * `$id` then failed to compile, one type's `$ref` could resolve into another's schema, and
 * every compiled version stayed in the instance for good. Alone, a schema sees only itself,
 * and is dropped with its validator. About as costly as a compile (~1 ms), once per version.
 */
function compileAlone(schema: Record<string, unknown>): ValidateFunction {
  // The schema was checked against the meta-schema when it was saved (schemaProblems).
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateSchema: false,
    code: { regExp: linearRegExp },
  });
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * `pattern` and `patternProperties` are tenant-controlled regexes run on every message: with
 * JavaScript's backtracking RegExp, `^(a+)+$` took 5.6 s on 31 characters and froze the
 * process. Ajv compiles them with this instead: the payload filters' linear-time RE2 engine,
 * with the same limits (a pattern that is too long, too large or not RE2 syntax fails to
 * compile, so the schema is refused when it is saved). Values past the filters' input cap are
 * matched on their first 64 Ki characters.
 */
function linearRegExp(pattern: string): { test: (value: string) => boolean } {
  const compiled = compileBoundedRegex(pattern, '');
  if (!compiled.ok) throw new Error(`pattern "${pattern}" ${compiled.message}`);
  return compiled.regex;
}
linearRegExp.code = 'linearRegExp';

type Compiled =
  { version: number; validate: ValidateFunction } | { version: number; error: string };

/**
 * JSON Schema (draft-07 / 2019 keywords ajv supports) for event type payloads: checks a
 * schema when it is saved, and validates payloads against compiled, cached validators (one
 * per key: the latest version). Pure: no Nest or database imports.
 */
export class JsonSchemaChecker {
  /** Validates schemas against the meta-schema only; never compiles or keeps one. */
  private readonly metaSchema = new Ajv({ allErrors: true, strict: false });
  private readonly cache = new Map<string, Compiled>();

  /** Problems with a schema itself (empty when it is a usable JSON Schema). */
  schemaProblems(schema: unknown): SchemaProblem[] {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      return [{ path: 'schema', message: 'must be a JSON Schema object' }];
    }
    if (!this.metaSchema.validateSchema(schema)) return describe(this.metaSchema.errors, 'schema');
    try {
      compileAlone(schema as Record<string, unknown>);
      return [];
    } catch (err) {
      return [{ path: 'schema', message: (err as Error).message }];
    }
  }

  /**
   * Validates a payload; `key`+`version` identify the schema so each is compiled once
   * (version = the event type's updatedAt, so an edited schema is recompiled). Throws
   * UnusableSchemaError when the schema does not compile (remembered: not retried per message).
   */
  payloadProblems(
    key: string,
    version: number,
    schema: Record<string, unknown>,
    payload: unknown,
  ): SchemaProblem[] {
    let entry = this.cache.get(key);
    if (!entry || entry.version !== version) {
      try {
        entry = { version, validate: compileAlone(schema) };
      } catch (err) {
        entry = { version, error: (err as Error).message };
      }
      this.cache.set(key, entry);
    }
    if ('error' in entry) throw new UnusableSchemaError(key, entry.error);
    return entry.validate(payload) ? [] : describe(entry.validate.errors, 'payload');
  }

  /** Problems of example payloads against a schema (compiled once for the check, not kept). */
  examplesProblems(schema: Record<string, unknown>, examples: readonly unknown[]): SchemaProblem[] {
    if (examples.length === 0) return [];
    const validate = compileAlone(schema);
    return examples.flatMap((example, i) =>
      validate(example) ? [] : describe(validate.errors, `examples[${i}]`),
    );
  }

  /** Drops the validator of a key that no longer has a schema (removed, or the type deleted). */
  forget(key: string): void {
    this.cache.delete(key);
  }
}
