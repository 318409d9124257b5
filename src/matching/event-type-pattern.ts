import { EVENT_TYPE_NAME_RULE, isValidEventTypeName } from '../common/event-type-name';

/**
 * What a subscription lists in `eventTypes`:
 * - `*`: every event type;
 * - `billing.invoice.*`: every type strictly below `billing.invoice`, at any depth
 *   (`billing.invoice.paid`, `billing.invoice.paid.late`), but not `billing.invoice` itself;
 * - anything else: one exact event type name.
 *
 * Wildcards are deliberately limited to a whole last segment so that matching stays a lookup
 * of the event type and its ancestor prefixes, never a scan of every pattern.
 */
export const EVENT_TYPE_PATTERN_MAX_LENGTH = 256;
export const MATCH_ALL_EVENT_TYPES = '*';

const PREFIX_WILDCARD_SUFFIX = '.*';
const DOT_CHAR_CODE = 46;

export type EventTypePattern =
  | { readonly kind: 'all' }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'exact'; readonly eventType: string };

/** Returns null when the pattern is valid, otherwise a message that names the broken rule. */
export function validateEventTypePattern(pattern: string): string | null {
  if (pattern.length === 0) {
    return 'an event type pattern must not be empty';
  }
  if (pattern.length > EVENT_TYPE_PATTERN_MAX_LENGTH) {
    return `an event type pattern must be at most ${EVENT_TYPE_PATTERN_MAX_LENGTH} characters`;
  }
  if (pattern === MATCH_ALL_EVENT_TYPES) {
    return null;
  }
  if (pattern.includes('**')) {
    return '"**" is not supported; "prefix.*" already matches every event type below prefix, at any depth';
  }
  const segments = pattern.split('.');
  if (segments.some((segment) => segment.length === 0)) {
    return 'an event type pattern must not contain empty segments (leading, trailing or doubled dots)';
  }
  const lastIndex = segments.length - 1;
  const misplacedWildcard = segments.some(
    (segment, index) => segment.includes('*') && (index !== lastIndex || segment !== '*'),
  );
  if (misplacedWildcard) {
    return 'a wildcard may only be the whole last segment (as in "billing.invoice.*") or "*" alone';
  }
  if (segments[lastIndex] === '*') {
    const prefix = segments.slice(0, lastIndex).join('.');
    return isValidEventTypeName(prefix)
      ? null
      : `the prefix before ".*" must be ${EVENT_TYPE_NAME_RULE}`;
  }
  return isValidEventTypeName(pattern)
    ? null
    : `an event type pattern must be "*", "prefix.*" or an event type name: ${EVENT_TYPE_NAME_RULE}`;
}

/** Parses a pattern into the form the matcher indexes; null when the pattern is invalid. */
export function parseEventTypePattern(pattern: string): EventTypePattern | null {
  if (validateEventTypePattern(pattern) !== null) {
    return null;
  }
  if (pattern === MATCH_ALL_EVENT_TYPES) {
    return { kind: 'all' };
  }
  if (pattern.endsWith(PREFIX_WILDCARD_SUFFIX)) {
    return { kind: 'prefix', prefix: pattern.slice(0, -PREFIX_WILDCARD_SUFFIX.length) };
  }
  return { kind: 'exact', eventType: pattern };
}

/** An invalid pattern matches nothing: it can only come from data that skipped validation. */
export function eventTypeMatchesPattern(pattern: string, eventType: string): boolean {
  const parsed = parseEventTypePattern(pattern);
  if (parsed === null) {
    return false;
  }
  switch (parsed.kind) {
    case 'all':
      return true;
    case 'prefix':
      return (
        eventType.length > parsed.prefix.length + 1 &&
        eventType.startsWith(parsed.prefix) &&
        eventType.charCodeAt(parsed.prefix.length) === DOT_CHAR_CODE
      );
    case 'exact':
      return eventType === parsed.eventType;
  }
}
