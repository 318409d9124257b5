export * from './event-type-pattern';
export * from './json-value';
export {
  compilePayloadFilter,
  InvalidPayloadFilterError,
  PAYLOAD_FILTER_MAX_CONDITIONS,
  PAYLOAD_FILTER_MAX_DEPTH,
  PAYLOAD_FILTER_MAX_REGEX_PROGRAM_SIZE,
  validatePayloadFilter,
} from './payload-filter';
export type { FilterIssue, PayloadFilter, PayloadPredicate } from './payload-filter';
export {
  REGEX_INPUT_MAX_LENGTH,
  REGEX_PATTERN_MAX_LENGTH,
  REGEX_PROGRAM_MAX_SIZE,
} from './bounded-regex';
export * from './subscription-matcher';
