/**
 * Event type names are hierarchical, dot-separated: `user.subscription.purchased`.
 * Each segment is letters, digits, `_` or `-`; at most 256 characters overall.
 */
export const EVENT_TYPE_NAME_MAX_LENGTH = 256;
export const EVENT_TYPE_NAME_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const EVENT_TYPE_NAME_RULE =
  'dot-separated segments of letters, digits, "_" or "-" (e.g. user.subscription.purchased), at most 256 characters';

export function isValidEventTypeName(name: string): boolean {
  return name.length <= EVENT_TYPE_NAME_MAX_LENGTH && EVENT_TYPE_NAME_PATTERN.test(name);
}
