import { type BodyShape, DEFAULT_BODY_SHAPE } from '../../common/body-shape';
import { buildDeliveryBody } from './delivery-body';
import { PayloadShaper, shapePayloadText } from './payload-shaper';

const createdAt = new Date('2030-01-02T03:04:05.678Z');
const shape = (overrides: Partial<BodyShape>): BodyShape => ({
  ...DEFAULT_BODY_SHAPE,
  ...overrides,
});
const omitting = (...paths: string[]) =>
  new PayloadShaper(shape({ bodyFormat: 'payload', omitFields: paths }));

describe('PayloadShaper', () => {
  it("builds today's envelope, byte for byte, for the default shape", () => {
    const payload = '{ "n": 12345678901234567890 }';
    const sut = new PayloadShaper(shape({}));
    expect(sut.body('msg_1', 'a.b', createdAt, payload)).toBe(
      buildDeliveryBody('msg_1', 'a.b', createdAt, payload),
    );
  });

  it('sends the exact payload text in payload mode', () => {
    const payload = ' {"b":1.50, "a":[ 1,2 ],"big":12345678901234567890}\n';
    const sut = new PayloadShaper(shape({ bodyFormat: 'payload' }));
    expect(sut.body('msg_1', 't', createdAt, payload)).toBe(payload);
  });

  it.each([
    [
      'a top-level member',
      ['attributions'],
      '{"a":1,"attributions":{"x":2},"b":3}',
      '{"a":1,"b":3}',
    ],
    ['the first member', ['a'], '{"a":1,"b":2}', '{"b":2}'],
    ['the only member', ['a'], '{ "a" : 1 }', '{}'],
    [
      'a nested member',
      ['e.store'],
      '{"e":{"store":"app_store","price":0.10000000000000000001},"z":1}',
      '{"e":{"price":0.10000000000000000001},"z":1}',
    ],
    [
      'a path whose parent is absent',
      ['x.y'],
      '{"a":12345678901234567890}',
      '{"a":12345678901234567890}',
    ],
    ['a path through a non-object', ['a.b'], '{"a":[{"b":1}]}', '{"a":[{"b":1}]}'],
    ['every occurrence of a duplicated key', ['a'], '{"a":1,"b":2,"a":3}', '{"b":2}'],
    ['an escaped key', ['user_attributes'], '{"user\\u005fattributes":{},"k":"v"}', '{"k":"v"}'],
    ['two paths at once', ['a', 'c.d'], '{"a":1,"c":{"d":2,"e":3}}', '{"c":{"e":3}}'],
    ['a parent and its child', ['c', 'c.d'], '{"c":{"d":2},"x":1}', '{"x":1}'],
    ['nothing from a key that only looks like a path', ['a.b'], '{"a.b":1}', '{"a.b":1}'],
  ])('omits %s', (_case, paths, payload, expected) => {
    expect(omitting(...paths).body('msg_1', 't', createdAt, payload)).toBe(expected);
  });

  it('keeps the untouched part of a shaped payload verbatim, whitespace and digits included', () => {
    const inner = '{ "price" : 12345678901234567890 , "list":[1.0, 2e400] }';
    const payload = `{"omit":true,"keep":${inner}}`;
    expect(omitting('omit').body('m', 't', createdAt, payload)).toBe(`{"keep":${inner}}`);
  });

  it('returns a non-object payload unchanged', () => {
    expect(omitting('a').body('m', 't', createdAt, '[{"a":1}]')).toBe('[{"a":1}]');
  });

  describe('event type aliases', () => {
    const aliases = { 'user.subscription.renewed': 'subscription_renewed' };

    it('renames the envelope type and leaves data alone', () => {
      const sut = new PayloadShaper(shape({ eventTypeAliases: aliases }));
      const body = sut.body('msg_1', 'user.subscription.renewed', createdAt, '{"n":1.0}');
      expect(body).toBe(buildDeliveryBody('msg_1', 'subscription_renewed', createdAt, '{"n":1.0}'));
    });

    it('leaves a type without alias as it is', () => {
      const sut = new PayloadShaper(shape({ eventTypeAliases: aliases }));
      expect(JSON.parse(sut.body('m', 'other', createdAt, '{}')).type).toBe('other');
    });

    it.each([
      [
        'overwrites an existing field in place',
        '{"id":1,"event_type":"x","n":1.10}',
        '{"id":1,"event_type":"subscription_renewed","n":1.10}',
      ],
      [
        'adds the field first when absent',
        '{"n":1.10}',
        '{"event_type":"subscription_renewed","n":1.10}',
      ],
      ['adds the field to an empty object', '{}', '{"event_type":"subscription_renewed"}'],
    ])('in payload mode %s', (_case, payload, expected) => {
      const sut = new PayloadShaper(
        shape({ bodyFormat: 'payload', eventTypeAliases: aliases, eventTypeField: 'event_type' }),
      );
      expect(sut.body('m', 'user.subscription.renewed', createdAt, payload)).toBe(expected);
    });

    it('writes the unaliased name into eventTypeField when no alias applies', () => {
      const sut = new PayloadShaper(shape({ bodyFormat: 'payload', eventTypeField: 'event_type' }));
      expect(sut.body('m', 'a.b', createdAt, '{"event_type":"z"}')).toBe('{"event_type":"a.b"}');
    });

    it('does not treat inherited names as aliases', () => {
      const sut = new PayloadShaper(shape({ eventTypeAliases: aliases }));
      expect(sut.typeName('constructor')).toBe('constructor');
    });
  });

  it('gives identical bytes on every call (what makes attempts identical)', () => {
    const sut = new PayloadShaper(
      shape({ bodyFormat: 'payload', omitFields: ['a.b'], eventTypeField: 't' }),
    );
    const payload = '{"a":{"b":1,"c":12345678901234567890},"t":"x"}';
    expect(sut.body('m', 'e', createdAt, payload)).toBe(sut.body('m', 'e', createdAt, payload));
  });
});

describe('shapePayloadText', () => {
  it('returns the text itself when there is nothing to do', () => {
    const text = '{ "a" : 1 }';
    expect(shapePayloadText(text, { omit: null, set: null })).toBe(text);
  });
});
