import { RE2JS } from 're2js';

/**
 * `$regex` runs a tenant-controlled pattern on every message, inside the fan-out hot path, so
 * it is evaluated by RE2 (re2js, a pure-JS port) instead of the backtracking RegExp engine:
 * RE2 matches in time linear in the input for every pattern, so no pattern can backtrack
 * catastrophically (`(a|a)*$` took seconds on 25 characters with RegExp). The price is RE2's
 * syntax: no backreferences and no lookaround. Matching costs at most input × program size,
 * and both are capped, so one subscription cannot stall delivery for everybody.
 */
export const REGEX_PATTERN_MAX_LENGTH = 256;
/**
 * Compiled RE2 instructions: realistic patterns (an email, a UUID, an ISO date) take 10–60,
 * `^.{0,255}$` about 500. Counted repetitions are what make a short pattern large.
 */
export const REGEX_PROGRAM_MAX_SIZE = 1000;
/** 64 Ki UTF-16 code units: long enough for any realistic field, short enough to bound a scan. */
export const REGEX_INPUT_MAX_LENGTH = 64 * 1024;
/** `g` and `y` are excluded because they would make a match depend on earlier ones. */
export const REGEX_ALLOWED_FLAGS = 'ims';

const RE2_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** Distinct compiled patterns kept for sharing; past this the table starts over. */
const SHARED_REGEX_LIMIT = 10_000;

/**
 * A compiled `$regex`: a search anywhere in the (capped) value, in linear time. Instances are
 * shared by every filter with the same pattern and flags, and remember their last answer:
 * subscriptions of one app often repeat a pattern on the same field, and fan-out tests them
 * all against one message, so each distinct (pattern, value) runs once (RE2 in JS costs
 * ~0.3 µs per short value, ten times RegExp).
 */
export class BoundedRegex {
  private lastValue: string | null = null;
  private lastResult = false;

  constructor(private readonly compiled: RE2JS) {}

  /** Instructions of the compiled program: the per-character cost of a match, at worst. */
  get programSize(): number {
    return this.compiled.programSize();
  }

  test(value: string): boolean {
    if (value === this.lastValue) return this.lastResult;
    const result = this.compiled.test(
      value.length > REGEX_INPUT_MAX_LENGTH ? value.slice(0, REGEX_INPUT_MAX_LENGTH) : value,
    );
    this.lastValue = value;
    this.lastResult = result;
    return result;
  }
}

const shared = new Map<string, BoundedRegex>();

export type BoundedRegexResult =
  | { readonly ok: true; readonly regex: BoundedRegex }
  | { readonly ok: false; readonly invalid: 'pattern' | 'options'; readonly message: string };

export function compileBoundedRegex(pattern: string, options: string): BoundedRegexResult {
  const flagsIssue = findFlagsIssue(options);
  if (flagsIssue !== null) {
    return { ok: false, invalid: 'options', message: flagsIssue };
  }
  if (pattern.length > REGEX_PATTERN_MAX_LENGTH) {
    return {
      ok: false,
      invalid: 'pattern',
      message: `must be at most ${REGEX_PATTERN_MAX_LENGTH} characters`,
    };
  }
  const key = options + '/' + pattern;
  const known = shared.get(key);
  if (known !== undefined) return { ok: true, regex: known };
  let compiled: RE2JS;
  try {
    // translateRegExp accepts JavaScript spellings RE2 lacks (`\u00e9`, `(?<name>…)`, `\/`).
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), re2FlagsOf(options));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      invalid: 'pattern',
      message: `is not a valid regular expression (RE2 syntax: no backreferences or lookaround): ${reason}`,
    };
  }
  const regex = new BoundedRegex(compiled);
  if (regex.programSize > REGEX_PROGRAM_MAX_SIZE) {
    return {
      ok: false,
      invalid: 'pattern',
      message: `compiles to ${regex.programSize} instructions; at most ${REGEX_PROGRAM_MAX_SIZE} are allowed (use smaller repetition counts)`,
    };
  }
  if (shared.size >= SHARED_REGEX_LIMIT) shared.clear();
  shared.set(key, regex);
  return { ok: true, regex };
}

function re2FlagsOf(options: string): number {
  let flags = 0;
  for (const flag of options) {
    flags |= RE2_FLAGS[flag];
  }
  return flags;
}

function findFlagsIssue(options: string): string | null {
  for (let index = 0; index < options.length; index++) {
    const flag = options[index];
    if (!REGEX_ALLOWED_FLAGS.includes(flag)) {
      return `unsupported flag "${flag}"; only "i", "m" and "s" are allowed`;
    }
    if (options.indexOf(flag) !== index) {
      return `flag "${flag}" is repeated`;
    }
  }
  return null;
}
