import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface SchemaProblem {
  path: string;
  message: string;
}

function describe(errors: ErrorObject[] | null | undefined, root: string): SchemaProblem[] {
  return (errors ?? []).map((e) => ({
    path: `${root}${e.instancePath.replace(/\//g, '.')}`,
    message: e.message ?? 'is invalid',
  }));
}

/**
 * JSON Schema (draft-07 / 2019 keywords ajv supports) for event type payloads: checks a
 * schema when it is saved, and validates payloads against compiled, cached validators.
 * Pure: no Nest or database imports.
 */
export class JsonSchemaChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly cache = new Map<string, { version: number; validate: ValidateFunction }>();

  constructor() {
    addFormats(this.ajv);
  }

  /** Problems with a schema itself (empty when it is a usable JSON Schema). */
  schemaProblems(schema: unknown): SchemaProblem[] {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      return [{ path: 'schema', message: 'must be a JSON Schema object' }];
    }
    if (!this.ajv.validateSchema(schema)) return describe(this.ajv.errors, 'schema');
    try {
      this.ajv.compile(schema);
      return [];
    } catch (err) {
      return [{ path: 'schema', message: (err as Error).message }];
    }
  }

  /**
   * Validates a payload; `key`+`version` identify the schema so each is compiled once
   * (version = the event type's updatedAt, so an edited schema is recompiled).
   */
  payloadProblems(
    key: string,
    version: number,
    schema: Record<string, unknown>,
    payload: unknown,
  ): SchemaProblem[] {
    let entry = this.cache.get(key);
    if (!entry || entry.version !== version) {
      entry = { version, validate: this.ajv.compile(schema) };
      this.cache.set(key, entry);
    }
    return entry.validate(payload) ? [] : describe(entry.validate.errors, 'payload');
  }
}
