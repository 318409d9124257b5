/**
 * Finds the exact source text of message payloads inside a request body, so a payload is
 * stored and delivered as the producer wrote it: `JSON.stringify(JSON.parse(text))` would
 * round big integers (12345678901234567890 → 12345678901234567000), turn 1e400 into null and
 * drop the producer's number formats and whitespace.
 *
 * The body must be JSON that `JSON.parse` accepted (the caller parses it first, for
 * validation); the scanner then only follows its structure, without re-validating it. Where
 * JSON.parse keeps the LAST of duplicated keys, so does the scanner, so the text found always
 * parses to the value that was validated. Pure: no Nest imports.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The text of the top-level `payload` member of `{ …, "payload": … }`; undefined when absent. */
export function locatePayloadText(body: string): string | undefined {
  const scanner = new JsonStructureScanner(body);
  const start = scanner.skipWhitespace(0);
  if (body.charCodeAt(start) !== OPEN_BRACE) return undefined;
  const { found } = scanner.lastMember(start, 'payload');
  return found && body.slice(found.start, found.end);
}

/**
 * The text of `messages[i].payload` for every element of the top-level `messages` array of
 * `{ "messages": [...] }`, in order (undefined for an element without one); undefined when
 * the body has no such array.
 */
export function locateBatchPayloadTexts(body: string): Array<string | undefined> | undefined {
  const scanner = new JsonStructureScanner(body);
  const start = scanner.skipWhitespace(0);
  if (body.charCodeAt(start) !== OPEN_BRACE) return undefined;
  const messages = scanner.lastMember(start, 'messages').found;
  if (!messages || body.charCodeAt(messages.start) !== OPEN_BRACKET) return undefined;
  const texts: Array<string | undefined> = [];
  let i = scanner.skipWhitespace(messages.start + 1);
  if (body.charCodeAt(i) === CLOSE_BRACKET) return texts;
  for (;;) {
    let end: number;
    if (body.charCodeAt(i) === OPEN_BRACE) {
      const member = scanner.lastMember(i, 'payload');
      texts.push(member.found && body.slice(member.found.start, member.found.end));
      end = member.end;
    } else {
      texts.push(undefined);
      end = scanner.skipValue(i);
    }
    i = scanner.skipWhitespace(end);
    const c = body.charCodeAt(i);
    if (c === CLOSE_BRACKET) return texts;
    if (c !== COMMA) throw malformed(i);
    i = scanner.skipWhitespace(i + 1);
  }
}

interface Span {
  start: number;
  end: number;
}

/**
 * Walks valid JSON text by index; every method takes the index of a value's first character.
 * Also used by the delivery's payload shaping, which edits the text the same way.
 */
export class JsonStructureScanner {
  constructor(private readonly text: string) {}

  skipWhitespace(at: number): number {
    const text = this.text;
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return i;
    }
  }

  /**
   * The value span of the last member named `name` of the object starting at `at`, and the
   * index just after the object.
   */
  lastMember(at: number, name: string): { found: Span | undefined; end: number } {
    const text = this.text;
    let found: Span | undefined;
    let i = this.skipWhitespace(at + 1);
    if (text.charCodeAt(i) === CLOSE_BRACE) return { found, end: i + 1 };
    for (;;) {
      const keyEnd = this.skipString(i);
      const matches = this.keyEquals(i, keyEnd, name);
      i = this.skipWhitespace(keyEnd);
      if (text.charCodeAt(i) !== COLON) throw malformed(i);
      const start = this.skipWhitespace(i + 1);
      const end = this.skipValue(start);
      if (matches) found = { start, end };
      i = this.skipWhitespace(end);
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACE) return { found, end: i + 1 };
      if (c !== COMMA) throw malformed(i);
      i = this.skipWhitespace(i + 1);
    }
  }

  /** The index just after the value starting at `at`. */
  skipValue(at: number): number {
    const c = this.text.charCodeAt(at);
    if (c === QUOTE) return this.skipString(at);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.skipContainer(at);
    return this.skipLiteral(at);
  }

  /** Past the closing quote of the string starting at `at` (a quote preceded by an even run of backslashes). */
  skipString(at: number): number {
    const text = this.text;
    if (text.charCodeAt(at) !== QUOTE) throw malformed(at);
    let from = at + 1;
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) throw malformed(at);
      let backslash = quote - 1;
      while (text.charCodeAt(backslash) === BACKSLASH) backslash--;
      if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }

  /** Past the bracket closing the object or array starting at `at`; strings are jumped over whole. */
  private skipContainer(at: number): number {
    const text = this.text;
    let depth = 0;
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = this.skipString(i);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      } else if (Number.isNaN(c)) throw malformed(at);
      i++;
    }
  }

  /** Past a number, true, false or null: up to the next delimiter or whitespace. */
  private skipLiteral(at: number): number {
    const text = this.text;
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (
        c === COMMA ||
        c === CLOSE_BRACE ||
        c === CLOSE_BRACKET ||
        c === 0x20 ||
        c === 0x0a ||
        c === 0x0d ||
        c === 0x09 ||
        Number.isNaN(c)
      ) {
        if (i === at) throw malformed(at);
        return i;
      }
      i++;
    }
  }

  /** The decoded member name of the key string [start, end) (quotes included). */
  keyText(start: number, end: number): string {
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : raw;
  }

  /** Whether the key string [start, end) (quotes included) decodes to `name`. */
  private keyEquals(start: number, end: number, name: string): boolean {
    const text = this.text;
    const length = end - start - 2;
    if (length === name.length) return text.startsWith(name, start + 1);
    // An escape makes the text longer than the name it decodes to: only then can a longer key
    // (rare: "pay\u006coad") name the member.
    if (length < name.length) return false;
    for (let i = start + 1; i < end - 1; i++) {
      if (text.charCodeAt(i) === BACKSLASH) return JSON.parse(text.slice(start, end)) === name;
    }
    return false;
  }
}

function malformed(at: number): Error {
  return new Error(`not the JSON text that was parsed (at offset ${at})`);
}
