import { type BodyShape, isDefaultBodyShape } from '../../common/body-shape';
import { JsonStructureScanner } from '../../messages/payload-text-locator';
import { buildDeliveryBody } from './delivery-body';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Compiled omitFields: a member named here is dropped (`omit`) or descended into (`children`). */
interface OmitNode {
  omit: boolean;
  children: Map<string, OmitNode>;
}

interface Edit {
  omit: OmitNode | null;
  /** Top level only: the member written with this JSON value text (added when absent). */
  set: { name: string; valueText: string } | null;
}

/**
 * Builds an endpoint's delivered body from a message's stored payload TEXT by editing that
 * text, never by JSON.parse/stringify of the payload: every member the shaping does not touch
 * keeps its exact source bytes (12345678901234567890 keeps its digits, 0.10000000000000000001
 * its decimals, keys their order). An object that loses or gains a member is re-joined with
 * plain commas (the insignificant whitespace between its members is not kept); an object left
 * alone is copied verbatim. Paths name object members only (they do not index arrays); a
 * duplicated key is removed, or rewritten, in every occurrence.
 *
 * Deterministic: the same (payload text, event type, shape) always gives the same bytes, which
 * is what makes every attempt of a delivery identical (the delivery's shape is frozen once it
 * has been attempted: see docs/architecture.md). Pure: no Nest or database imports.
 */
export class PayloadShaper {
  private readonly omit: OmitNode | null;
  private readonly plain: boolean;

  constructor(private readonly shape: BodyShape) {
    this.omit = compileOmitFields(shape.omitFields);
    this.plain = isDefaultBodyShape(shape);
  }

  /** The event type name this endpoint sees. */
  typeName(eventType: string): string {
    return Object.hasOwn(this.shape.eventTypeAliases, eventType)
      ? this.shape.eventTypeAliases[eventType]
      : eventType;
  }

  body(messageId: string, eventType: string, createdAt: Date, payloadText: string): string {
    if (this.plain) return buildDeliveryBody(messageId, eventType, createdAt, payloadText);
    const typeName = this.typeName(eventType);
    const field = this.shape.bodyFormat === 'payload' ? this.shape.eventTypeField : null;
    const payload = shapePayloadText(payloadText, {
      omit: this.omit,
      set: field === null ? null : { name: field, valueText: JSON.stringify(typeName) },
    });
    return this.shape.bodyFormat === 'payload'
      ? payload
      : buildDeliveryBody(messageId, typeName, createdAt, payload);
  }
}

function compileOmitFields(paths: readonly string[]): OmitNode | null {
  if (paths.length === 0) return null;
  const root: OmitNode = { omit: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (!child) {
        child = { omit: false, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.omit = true;
  }
  return root;
}

/**
 * The payload text with the edit applied. A payload that is not an object (an array, a
 * scalar) has no members to edit and is returned as it is.
 */
export function shapePayloadText(text: string, edit: Edit): string {
  if (edit.omit === null && edit.set === null) return text;
  const scanner = new JsonStructureScanner(text);
  const start = scanner.skipWhitespace(0);
  if (text.charCodeAt(start) !== OPEN_BRACE) return text;
  const { out, end } = editObject(scanner, text, start, edit.omit, edit.set);
  return text.slice(0, start) + out + text.slice(end);
}

/** The edited text of the object starting at `at`, and the index just after it in `text`. */
function editObject(
  scanner: JsonStructureScanner,
  text: string,
  at: number,
  omit: OmitNode | null,
  set: Edit['set'],
): { out: string; end: number; changed: boolean } {
  const kept: string[] = [];
  let changed = false;
  let setDone = false;
  let i = scanner.skipWhitespace(at + 1);
  let end: number;
  if (text.charCodeAt(i) === CLOSE_BRACE) end = i + 1;
  else
    for (;;) {
      const keyStart = i;
      const keyEnd = scanner.skipString(i);
      i = scanner.skipWhitespace(keyEnd);
      if (text.charCodeAt(i) !== COLON) throw new Error(`malformed JSON at ${i}`);
      const valueStart = scanner.skipWhitespace(i + 1);
      const valueEnd = scanner.skipValue(valueStart);
      const name = omit !== null || set !== null ? scanner.keyText(keyStart, keyEnd) : '';
      const node = omit?.children.get(name);
      if (node?.omit) {
        changed = true;
      } else if (set !== null && name === set.name) {
        kept.push(text.slice(keyStart, valueStart) + set.valueText);
        setDone = true;
        changed = true;
      } else if (node && node.children.size > 0 && text.charCodeAt(valueStart) === OPEN_BRACE) {
        const inner = editObject(scanner, text, valueStart, node, null);
        if (inner.changed) changed = true;
        kept.push(text.slice(keyStart, valueStart) + inner.out);
      } else {
        kept.push(text.slice(keyStart, valueEnd));
      }
      i = scanner.skipWhitespace(valueEnd);
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACE) {
        end = i + 1;
        break;
      }
      if (c !== COMMA) throw new Error(`malformed JSON at ${i}`);
      i = scanner.skipWhitespace(i + 1);
    }
  if (set !== null && !setDone) {
    kept.unshift(JSON.stringify(set.name) + ':' + set.valueText);
    changed = true;
  }
  return { out: changed ? '{' + kept.join(',') + '}' : text.slice(at, end), end, changed };
}

/** Distinct shapes seen are few (one per shaped endpoint configuration); a bound all the same. */
const SHAPER_CACHE_MAX = 1000;

/**
 * PayloadShapers by the JSON text of the shape frozen on a delivery ('{}': the plain
 * envelope), so a shape's paths are compiled once, not per attempt.
 */
export class PayloadShapers {
  private readonly byText = new Map<string, PayloadShaper>();

  get(shapeText: string): PayloadShaper {
    let shaper = this.byText.get(shapeText);
    if (shaper === undefined) {
      if (this.byText.size >= SHAPER_CACHE_MAX) this.byText.clear();
      shaper = new PayloadShaper(parseBodyShape(shapeText));
      this.byText.set(shapeText, shaper);
    }
    return shaper;
  }
}

/** A stored shape (written by the claim from validated endpoint columns); '{}' is the default. */
export function parseBodyShape(text: string): BodyShape {
  const raw = JSON.parse(text) as Partial<BodyShape>;
  return {
    bodyFormat: raw.bodyFormat === 'payload' ? 'payload' : 'envelope',
    omitFields: Array.isArray(raw.omitFields) ? raw.omitFields : [],
    eventTypeAliases:
      typeof raw.eventTypeAliases === 'object' && raw.eventTypeAliases !== null
        ? raw.eventTypeAliases
        : {},
    eventTypeField: typeof raw.eventTypeField === 'string' ? raw.eventTypeField : null,
  };
}
