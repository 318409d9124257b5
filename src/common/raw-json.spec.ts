import { RawJson, serializeReply, storedJsonValue } from './raw-json';

describe('serializeReply', () => {
  it('puts a RawJson in as its text', () => {
    expect(serializeReply({ a: 1, payload: new RawJson('{"x": 1.10}') })).toBe(
      '{"a":1,"payload":{"x": 1.10}}',
    );
  });

  it('serializes a value that JSON.stringify could not (10,000 levels)', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);

    expect(serializeReply({ payload: storedJsonValue(deep) })).toBe(`{"payload":${deep}}`);
  });

  it('is JSON.stringify for everything else', () => {
    const value = { a: [1, 'two', null], b: { c: true } };

    expect(serializeReply(value)).toBe(JSON.stringify(value));
  });
});
