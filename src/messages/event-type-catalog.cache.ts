import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors/domain-error';
import type { FieldProblem } from '../common/validation/validation.pipe';
import { EventTypesRepository } from '../event-types/event-types.repository';
import { JsonSchemaChecker, UnusableSchemaError } from '../event-types/json-schema-checker';
import { ExpiringLoadCache } from '../routing/expiring-load-cache';
import type { PreparedMessage } from './message-input';

/**
 * How stale the catalog seen by ingestion may be: an event type archived, or its schema
 * changed, is enforced by every API process at most this long after the change.
 */
export const CATALOG_CACHE_MAX_AGE_MS = 1_000;

interface CatalogEntry {
  archived: boolean;
  schema: Record<string, unknown> | null;
  /** updatedAt in ms: the JsonSchemaChecker recompiles when it changes. */
  version: number;
}

/**
 * Checks messages against the event type catalog (archived types refused, payloads validated
 * against the type's schema) without a query per request: entries, including "not in the
 * catalog", are cached in-process for CATALOG_CACHE_MAX_AGE_MS. The age is measured on the
 * process's monotonic clock, not the injected Clock: it bounds cache staleness in real time,
 * and a test's FakeClock standing still must not freeze the cache.
 */
@Injectable()
export class EventTypeCatalogCache {
  private readonly entries = new ExpiringLoadCache<CatalogEntry | null>(
    CATALOG_CACHE_MAX_AGE_MS,
    () => performance.now(),
  );

  constructor(
    private readonly types: EventTypesRepository,
    private readonly schemas: JsonSchemaChecker,
  ) {}

  /**
   * Throws a 422 naming every failing message field; `fieldPrefix(i)` is '' or `messages[i].`.
   * A type whose stored schema cannot be compiled refuses its messages with a 422 that says so
   * (event_type_schema_unusable) until the schema is fixed, rather than a 500 per message.
   */
  async check(messages: PreparedMessage[], fieldPrefix: (index: number) => string): Promise<void> {
    const names = [...new Set(messages.map((m) => m.eventType))];
    const loaded = await Promise.all(
      names.map((name) => this.entries.get(name, () => this.load(name))),
    );
    const catalog = new Map(names.map((name, i) => [name, loaded[i]]));
    const archived: FieldProblem[] = [];
    const unusable: FieldProblem[] = [];
    const invalid: FieldProblem[] = [];
    messages.forEach((message, index) => {
      const entry = catalog.get(message.eventType);
      if (!entry) return;
      const prefix = fieldPrefix(index);
      if (entry.archived) {
        archived.push({
          field: `${prefix}eventType`,
          message: `${prefix}eventType "${message.eventType}" is archived and accepts no new messages`,
        });
      } else if (entry.schema) {
        try {
          for (const p of this.schemas.payloadProblems(
            message.eventType,
            entry.version,
            entry.schema,
            message.payload,
          )) {
            invalid.push({
              field: `${prefix}${p.path}`,
              message: `${prefix}${p.path} ${p.message}`,
            });
          }
        } catch (err) {
          if (!(err instanceof UnusableSchemaError)) throw err;
          unusable.push({
            field: `${prefix}eventType`,
            message: `${prefix}eventType "${message.eventType}" has a JSON Schema that cannot be compiled (${err.reason}); fix the event type's schema`,
          });
        }
      }
    });
    if (archived.length > 0)
      throw new ValidationError(
        archived.map((p) => p.message).join('; '),
        archived,
        'event_type_archived',
      );
    if (unusable.length > 0) {
      const shown = unusable.slice(0, 50);
      throw new ValidationError(
        shown.map((p) => p.message).join('; '),
        shown,
        'event_type_schema_unusable',
      );
    }
    if (invalid.length > 0) {
      const shown = invalid.slice(0, 50);
      throw new ValidationError(
        `payload does not match the event type's schema: ${shown.map((p) => p.message).join('; ')}`,
        shown,
        'payload_schema_mismatch',
      );
    }
  }

  private async load(name: string): Promise<CatalogEntry | null> {
    const type = await this.types.find(name);
    if (!type?.schema) this.schemas.forget(name);
    return type
      ? { archived: type.archived, schema: type.schema, version: type.updatedAt.getTime() }
      : null;
  }
}
