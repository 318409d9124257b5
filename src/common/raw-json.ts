import { randomUUID } from 'node:crypto';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './validation/json-input-rules';

/**
 * A JSON value answered as its stored text, unparsed. JSON.stringify recurses, and overflowed
 * the stack on a 10,000-level payload stored before bodies were depth-limited: reading such a
 * message answered 500. The reply serializer (serializeReply) puts the text in verbatim.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** A placeholder that serializeReply swaps for the text (JSON.stringify is synchronous). */
  toJSON(): string {
    pendingTexts.push(this.text);
    return `${TOKEN}${pendingTexts.length - 1}`;
  }
}

/** Random per process: no stored string can be mistaken for a placeholder. */
const TOKEN = `raw-json-${randomUUID()}-`;
const PLACEHOLDER = new RegExp(`"${TOKEN}(\\d+)"`, 'g');
const pendingTexts: string[] = [];

/** The fastify reply serializer: JSON.stringify, with RawJson values put in as their text. */
export function serializeReply(payload: unknown): string {
  pendingTexts.length = 0;
  const text = JSON.stringify(payload);
  if (pendingTexts.length === 0) return text;
  const texts = pendingTexts.splice(0);
  return text.replace(PLACEHOLDER, (_match, index: string) => texts[Number(index)]);
}

/** A stored JSON text as a response value: parsed, unless too deep to serialize back. */
export function storedJsonValue(text: string): Record<string, unknown> | RawJson {
  return jsonDepthExceeds(text, MAX_JSON_DEPTH)
    ? new RawJson(text)
    : (JSON.parse(text) as Record<string, unknown>);
}
