import safeRegex from 'safe-regex2';

/**
 * `$regex` runs on every message of a tenant-controlled pattern, inside the fan-out hot path.
 * Three bounds keep one subscription from stalling delivery for everybody:
 * a short pattern, no nested quantifiers (what safe-regex2 rejects), and a capped input.
 */
export const REGEX_PATTERN_MAX_LENGTH = 256;
/** 64 Ki UTF-16 code units: long enough for any realistic field, short enough to bound a scan. */
export const REGEX_INPUT_MAX_LENGTH = 64 * 1024;
/** `g` and `y` are excluded because they make `test()` stateful through `lastIndex`. */
export const REGEX_ALLOWED_FLAGS = 'ims';

export type BoundedRegexResult =
  | { readonly ok: true; readonly regex: RegExp }
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
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      invalid: 'pattern',
      message: `is not a valid regular expression: ${reason}`,
    };
  }
  if (!safeRegex(pattern)) {
    return {
      ok: false,
      invalid: 'pattern',
      message:
        'may backtrack catastrophically (nested quantifiers such as "(a+)+") or uses syntax the safety check cannot verify',
    };
  }
  return { ok: true, regex };
}

export function testBoundedRegex(regex: RegExp, value: string): boolean {
  return regex.test(
    value.length > REGEX_INPUT_MAX_LENGTH ? value.slice(0, REGEX_INPUT_MAX_LENGTH) : value,
  );
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
