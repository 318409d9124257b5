import { EVENT_TYPE_NAME_RULE, isValidEventTypeName } from './event-type-name';

/**
 * What an endpoint's delivered body looks like: the Standard Webhooks envelope or the bare
 * payload, minus omitted fields, with the event type renamed. Shared by the endpoints API
 * (validation, the frozen copy on attempted deliveries) and the delivery sender (shaping).
 * Pure: no Nest imports.
 */
export type BodyFormat = 'envelope' | 'payload';
export const BODY_FORMATS: readonly BodyFormat[] = ['envelope', 'payload'];

export interface BodyShape {
  bodyFormat: BodyFormat;
  /** Dotted paths of object members removed from the payload (`event_properties.store`). */
  omitFields: string[];
  /** Our event type name → the name this endpoint wants. */
  eventTypeAliases: Record<string, string>;
  /** payload mode: the top-level member the (aliased) event type name is written to. */
  eventTypeField: string | null;
}

export const DEFAULT_BODY_SHAPE: Readonly<BodyShape> = Object.freeze({
  bodyFormat: 'envelope',
  omitFields: [],
  eventTypeAliases: {},
  eventTypeField: null,
});

export const OMIT_FIELDS_MAX_ENTRIES = 64;
export const OMIT_FIELD_MAX_LENGTH = 256;
export const OMIT_FIELD_MAX_DEPTH = 16;
export const EVENT_TYPE_ALIASES_MAX_ENTRIES = 256;
export const EVENT_TYPE_FIELD_MAX_LENGTH = 128;

/** A path segment: any member name without a dot or a control character. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const PATH_SEGMENT = /^[^.\x00-\x1f\x7f]+$/;

/** The broken rule of one omitFields path, or null. */
export function omitFieldProblem(path: unknown): string | null {
  if (typeof path !== 'string') return 'must be a string';
  if (path.length === 0 || path.length > OMIT_FIELD_MAX_LENGTH)
    return `must be 1 to ${OMIT_FIELD_MAX_LENGTH} characters`;
  const segments = path.split('.');
  if (segments.length > OMIT_FIELD_MAX_DEPTH)
    return `must have at most ${OMIT_FIELD_MAX_DEPTH} segments`;
  if (!segments.every((s) => PATH_SEGMENT.test(s)))
    return 'must be dot-separated member names (no empty segment, no control character)';
  return null;
}

/** Problems of a whole omitFields value, each naming the offending entry. */
export function omitFieldsProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['must be an array of dotted paths'];
  if (value.length > OMIT_FIELDS_MAX_ENTRIES)
    return [`must have at most ${OMIT_FIELDS_MAX_ENTRIES} entries`];
  const problems: string[] = [];
  value.forEach((path: unknown, i) => {
    const problem = omitFieldProblem(path);
    if (problem) problems.push(`entry ${i} (${JSON.stringify(path)}) ${problem}`);
  });
  return problems;
}

export function eventTypeAliasesProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['must be an object of event type name to alias'];
  const entries = Object.entries(value);
  if (entries.length > EVENT_TYPE_ALIASES_MAX_ENTRIES)
    return [`must have at most ${EVENT_TYPE_ALIASES_MAX_ENTRIES} entries`];
  const problems: string[] = [];
  for (const [from, to] of entries) {
    if (!isValidEventTypeName(from))
      problems.push(
        `key "${from.slice(0, 256)}" must be an event type name: ${EVENT_TYPE_NAME_RULE}`,
      );
    if (typeof to !== 'string' || !isValidEventTypeName(to))
      problems.push(
        `alias of "${from.slice(0, 256)}" must be an event type name: ${EVENT_TYPE_NAME_RULE}`,
      );
  }
  return problems;
}

export function eventTypeFieldProblem(value: string): string | null {
  if (value.length === 0 || value.length > EVENT_TYPE_FIELD_MAX_LENGTH)
    return `must be 1 to ${EVENT_TYPE_FIELD_MAX_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (/[\x00-\x1f\x7f]/.test(value)) return 'must not contain control characters';
  return null;
}

/** The cross-field rule: the event type is written into the payload only in payload mode. */
export function eventTypeFieldFormatProblem(shape: BodyShape): string | null {
  return shape.eventTypeField !== null && shape.bodyFormat !== 'payload'
    ? 'eventTypeField requires bodyFormat "payload" (the envelope carries the type in "type")'
    : null;
}

export function isDefaultBodyShape(shape: BodyShape): boolean {
  return (
    shape.bodyFormat === 'envelope' &&
    shape.omitFields.length === 0 &&
    Object.keys(shape.eventTypeAliases).length === 0 &&
    shape.eventTypeField === null
  );
}

export function sameBodyShape(a: BodyShape, b: BodyShape): boolean {
  return canonicalBodyShape(a) === canonicalBodyShape(b);
}

/** A stable text of a shape (aliases sorted), e.g. to compare or cache compiled shapers. */
export function canonicalBodyShape(shape: BodyShape): string {
  const aliases = Object.keys(shape.eventTypeAliases)
    .sort()
    .map((k) => [k, shape.eventTypeAliases[k]]);
  return JSON.stringify([shape.bodyFormat, shape.omitFields, aliases, shape.eventTypeField]);
}
