import fc from 'fast-check';
import { REGEX_INPUT_MAX_LENGTH, REGEX_PROGRAM_MAX_SIZE } from './bounded-regex';
import { JsonObject } from './json-value';
import {
  compilePayloadFilter,
  InvalidPayloadFilterError,
  PAYLOAD_FILTER_MAX_CONDITIONS,
  PayloadFilter,
  validatePayloadFilter,
} from './payload-filter';

/** A payload with one of each JSON shape, shared by the evaluation tables. */
const order: JsonObject = {
  amount: 120,
  currency: 'EUR',
  paid: true,
  note: null,
  tags: ['vip', 'new'],
  customer: { name: 'Ada', plan: { tier: 'pro', seats: 5 } },
  items: [{ sku: 'A-1' }, { sku: 'B-2' }],
};

type EvaluationCase = [description: string, filter: PayloadFilter, payload: unknown];

function expectEvaluations(cases: EvaluationCase[], expected: boolean): void {
  it.each(cases)('%s', (_description, filter, payload) => {
    const sut = compilePayloadFilter(filter);

    expect(sut(payload)).toBe(expected);
  });
}

describe('compilePayloadFilter', () => {
  describe('matches', () => {
    expectEvaluations(
      [
        ['an empty filter matches anything', {}, order],
        ['a literal number', { amount: 120 }, order],
        ['a literal null', { note: null }, order],
        ['a dotted path', { 'customer.plan.tier': 'pro' }, order],
        ['a literal object by deep equality', { customer: order.customer }, order],
        ['deep equality ignores key order', { 'customer.plan': { seats: 5, tier: 'pro' } }, order],
        ['a literal array by deep equality', { tags: ['vip', 'new'] }, order],
        ['a scalar literal against any array element', { tags: 'new' }, order],
        ['an object literal against any array element', { items: { sku: 'B-2' } }, order],
        ['a numeric segment indexes an array', { 'items.1.sku': 'B-2' }, order],
        ['$eq', { currency: { $eq: 'EUR' } }, order],
        ['$eq against any array element', { tags: { $eq: 'vip' } }, order],
        ['$ne', { currency: { $ne: 'USD' } }, order],
        ['$ne on a missing field', { missing: { $ne: 'USD' } }, order],
        ['$in', { currency: { $in: ['USD', 'EUR'] } }, order],
        ['$in with an array payload value', { tags: { $in: ['old', 'vip'] } }, order],
        [
          '$in with an object candidate',
          { 'customer.plan': { $in: [{ tier: 'pro', seats: 5 }] } },
          order,
        ],
        ['$nin', { currency: { $nin: ['USD', 'GBP'] } }, order],
        ['$nin on a missing field', { missing: { $nin: ['USD'] } }, order],
        ['$gt', { amount: { $gt: 100 } }, order],
        ['$gte at the boundary', { amount: { $gte: 120 } }, order],
        ['$lt', { amount: { $lt: 121 } }, order],
        ['$lte at the boundary', { amount: { $lte: 120 } }, order],
        ['$gt on strings', { currency: { $gt: 'AAA' } }, order],
        ['$lte on strings', { currency: { $lte: 'EUR' } }, order],
        ['a range of two operators', { amount: { $gt: 100, $lt: 200 } }, order],
        ['$exists: true', { 'customer.name': { $exists: true } }, order],
        ['$exists: true on a null value', { note: { $exists: true } }, order],
        ['$exists: false', { 'customer.email': { $exists: false } }, order],
        ['$regex', { 'customer.name': { $regex: '^A' } }, order],
        ['$regex with $options i', { 'customer.name': { $regex: '^ada$', $options: 'i' } }, order],
        ['$regex with $options s', { text: { $regex: 'a.b', $options: 's' } }, { text: 'a\nb' }],
        ['$regex with $options m', { text: { $regex: '^b$', $options: 'm' } }, { text: 'a\nb' }],
        ['$regex anywhere in the value', { 'customer.name': { $regex: 'd' } }, order],
        ['$regex with a \\u escape', { name: { $regex: '^\\u00e9t\\u00e9$' } }, { name: 'été' }],
        ['$regex with a named group', { sku: { $regex: '^(?<kind>[A-Z])-\\d$' } }, { sku: 'A-1' }],
      ],
      true,
    );
  });

  describe('does not match', () => {
    expectEvaluations(
      [
        ['a different literal', { amount: 121 }, order],
        ['a literal against a missing field', { missing: 1 }, order],
        ['null against a missing field (use $exists)', { missing: null }, order],
        ['a number against its string form', { amount: '120' }, order],
        ['a partial object', { 'customer.plan': { tier: 'pro' } }, order],
        [
          'an object with an extra key',
          { 'customer.plan': { tier: 'pro', seats: 5, x: 1 } },
          order,
        ],
        ['an array in another order', { tags: ['new', 'vip'] }, order],
        ['a scalar no array element equals', { tags: 'old' }, order],
        ['a path through a scalar', { 'amount.value': 120 }, order],
        ['a non-canonical array index', { 'items.01.sku': 'B-2' }, order],
        ['an inherited property', { 'customer.constructor': { $exists: true } }, order],
        ['a payload that is not an object', { amount: 120 }, 'amount'],
        ['$eq', { currency: { $eq: 'USD' } }, order],
        ['$ne', { currency: { $ne: 'EUR' } }, order],
        ['$ne with an array element', { tags: { $ne: 'vip' } }, order],
        ['$in', { currency: { $in: ['USD', 'GBP'] } }, order],
        ['$in on a missing field', { missing: { $in: ['USD'] } }, order],
        ['$in with an empty list', { currency: { $in: [] } }, order],
        ['$nin', { currency: { $nin: ['EUR'] } }, order],
        ['$gt', { amount: { $gt: 120 } }, order],
        ['$gte', { amount: { $gte: 121 } }, order],
        ['$lt', { amount: { $lt: 120 } }, order],
        ['$lte', { amount: { $lte: 119 } }, order],
        ['$gt with a string operand on a number', { amount: { $gt: '1' } }, order],
        ['$lt with a number operand on a string', { currency: { $lt: 1000 } }, order],
        ['$gt on a missing field', { missing: { $gt: 0 } }, order],
        ['$gt on an array of numbers', { scores: { $gt: 0 } }, { scores: [1, 2] }],
        ['one side of a range', { amount: { $gt: 100, $lt: 110 } }, order],
        ['$exists: true', { 'customer.email': { $exists: true } }, order],
        ['$exists: false', { 'customer.name': { $exists: false } }, order],
        ['$regex', { 'customer.name': { $regex: '^B' } }, order],
        [
          '$regex is case-sensitive without $options',
          { 'customer.name': { $regex: '^ada$' } },
          order,
        ],
        ['$regex on a number', { amount: { $regex: '^12' } }, order],
        ['$regex on a missing field', { missing: { $regex: '.*' } }, order],
        [
          '$regex: $ is the end of the value without m',
          { text: { $regex: 'a$' } },
          { text: 'a\nb' },
        ],
      ],
      false,
    );
  });

  describe('logical operators', () => {
    const paidEuro: PayloadFilter = { currency: 'EUR', paid: true };

    it.each<[string, PayloadFilter, boolean]>([
      ['$and of matching filters', { $and: [{ currency: 'EUR' }, { paid: true }] }, true],
      ['$and with one failing filter', { $and: [{ currency: 'EUR' }, { paid: false }] }, false],
      ['$or with one matching filter', { $or: [{ currency: 'USD' }, { paid: true }] }, true],
      ['$or of failing filters', { $or: [{ currency: 'USD' }, { paid: false }] }, false],
      ['$not of a failing filter', { $not: { currency: 'USD' } }, true],
      ['$not of a matching filter', { $not: paidEuro }, false],
      ['fields and $or together (all must hold)', { amount: 120, $or: [{ paid: false }] }, false],
      [
        'nested logical operators',
        { $or: [{ $and: [{ paid: true }, { $not: { 'customer.plan.tier': 'free' } }] }] },
        true,
      ],
    ])('%s', (_description, filter, expected) => {
      const sut = compilePayloadFilter(filter);

      expect(sut(order)).toBe(expected);
    });
  });

  describe('regex evaluation time', () => {
    /**
     * Patterns a backtracking engine takes exponential time on, and that a static check
     * (safe-regex2) let through: with RegExp, `(a|a)*$` took 2.4 s on 25 characters.
     * A linear-time engine answers in well under a millisecond once warm (64 KiB: ~10 ms);
     * the bound leaves room for a cold start on a machine busy with the rest of the suite,
     * and still fails at once for backtracking, which takes seconds on 25 characters and
     * would not finish on 64 KiB.
     */
    const BOUND_MS = 1_000;

    it.each<[string, string, boolean]>([
      ['(a|a)*$', `${'a'.repeat(25)}!`, true],
      ['(a|aa)*b', 'a'.repeat(38), false],
      ['(\\w|\\d)*x', '1'.repeat(26), false],
      ['(a+)+$', `${'a'.repeat(30)}!`, false],
      ['^(a|a)*$', `${'a'.repeat(30)}!`, false],
      ['^([a-z]+)*\\d$', `${'a'.repeat(30)}!`, false],
    ])('evaluates %s in linear time', (pattern, text, expected) => {
      const sut = compilePayloadFilter({ text: { $regex: pattern } });

      const started = performance.now();
      const matched = sut({ text });
      const elapsedMs = performance.now() - started;

      expect({ matched, fast: elapsedMs < BOUND_MS }).toEqual({ matched: expected, fast: true });
    });

    it('evaluates an exponential pattern on 64 KiB of input in linear time', () => {
      const sut = compilePayloadFilter({ text: { $regex: '^(a|a)*$' } });

      const started = performance.now();
      const matched = sut({ text: `${'a'.repeat(REGEX_INPUT_MAX_LENGTH - 1)}!` });
      const elapsedMs = performance.now() - started;

      expect({ matched, fast: elapsedMs < BOUND_MS }).toEqual({ matched: false, fast: true });
    });
  });

  describe('regex bounding', () => {
    it('only looks at the first 64 KiB of a string', () => {
      const sut = compilePayloadFilter({ text: { $regex: 'needle' } });
      const padding = 'x'.repeat(REGEX_INPUT_MAX_LENGTH);

      expect(sut({ text: `${padding}needle` })).toBe(false);
    });

    it('still finds a match inside the first 64 KiB of a long string', () => {
      const sut = compilePayloadFilter({ text: { $regex: 'needle' } });
      const padding = 'x'.repeat(REGEX_INPUT_MAX_LENGTH);

      expect(sut({ text: `needle${padding}` })).toBe(true);
    });
  });

  it('refuses an invalid filter with the issues attached', () => {
    const compile = (): unknown => compilePayloadFilter({ amount: { $between: [1, 2] } });

    expect(compile).toThrow(InvalidPayloadFilterError);
  });

  it('$not inverts any filter (property)', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', null));
    fc.assert(
      fc.property(value, value, (operand, actual) => {
        const plain = compilePayloadFilter({ field: { $gte: operand ?? 0 } });
        const negated = compilePayloadFilter({ $not: { field: { $gte: operand ?? 0 } } });
        return negated({ field: actual }) === !plain({ field: actual });
      }),
    );
  });
});

describe('validatePayloadFilter', () => {
  const sut = validatePayloadFilter;

  it.each<[string, unknown]>([
    ['an empty filter', {}],
    [
      'every operator',
      {
        a: { $eq: 1 },
        b: { $ne: 'x' },
        c: { $in: [1, 'x', null, { k: [1] }] },
        d: { $nin: [] },
        e: { $gt: 1, $lt: 2 },
        f: { $gte: 'a', $lte: 'z' },
        g: { $exists: false },
        h: { $regex: '^[a-z]+@example\\.com$', $options: 'im' },
      },
    ],
    ['$regex with nested quantifiers (RE2 does not backtrack)', { a: { $regex: '(a+)+$' } }],
    ['$regex with a repeated group of stars', { a: { $regex: '(.*a){30}' } }],
    ['$regex with alternatives under a star', { a: { $regex: '(a|a)*$' } }],
    ['$regex with RE2 inline flags', { a: { $regex: '(?i)^pro$' } }],
    ['$regex with a counted length check', { a: { $regex: '^.{0,255}$' } }],
    ['logical operators', { $and: [{ a: 1 }], $or: [{ b: 2 }, { $not: { c: 3 } }] }],
    ['a literal object without operators', { customer: { plan: 'pro' } }],
    ['an empty literal object', { metadata: {} }],
    ['exactly the maximum of conditions', fieldsWithConditions(PAYLOAD_FILTER_MAX_CONDITIONS)],
    ['exactly the maximum depth', nestedNot(7, { a: 1 })],
  ])('accepts %s', (_description, filter) => {
    expect(sut(filter)).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['null', null, 'filter', /must be an object/],
    ['an array', [{ a: 1 }], 'filter', /must be an object/],
    ['a string', 'a = 1', 'filter', /must be an object/],
    [
      'an unknown field operator',
      { amount: { $between: [1, 2] } },
      'filter.amount.$between',
      /unknown operator "\$between"/,
    ],
    [
      'an unknown logical operator',
      { $nor: [{ a: 1 }] },
      'filter.$nor',
      /unknown operator "\$nor"/,
    ],
    ['a field operator at filter level', { $eq: 1 }, 'filter.$eq', /unknown operator "\$eq"/],
    [
      'operators mixed with fields',
      { amount: { $gt: 1, currency: 'EUR' } },
      'filter.amount',
      /mixes operators/,
    ],
    ['a doubled dot in a path', { 'a..b': 1 }, 'filter.a..b', /empty segments/],
    ['a leading dot in a path', { '.a': 1 }, 'filter..a', /empty segments/],
    ['a trailing dot in a path', { 'a.': 1 }, 'filter.a.', /empty segments/],
    ['an empty path', { '': 1 }, 'filter.', /empty segments/],
    ['$and that is not an array', { $and: { a: 1 } }, 'filter.$and', /non-empty array/],
    ['an empty $or', { $or: [] }, 'filter.$or', /non-empty array/],
    [
      'a $or element that is not an object',
      { $or: [{ a: 1 }, 2] },
      'filter.$or[1]',
      /must be an object/,
    ],
    ['$not that is not an object', { $not: [{ a: 1 }] }, 'filter.$not', /must be an object/],
    ['$in that is not an array', { a: { $in: 'x' } }, 'filter.a.$in', /must be an array/],
    ['$nin that is not an array', { a: { $nin: 1 } }, 'filter.a.$nin', /must be an array/],
    [
      '$gte with a boolean',
      { $or: [{ a: 1 }, { amount: { $gte: true } }] },
      'filter.$or[1].amount.$gte',
      /number or a string/,
    ],
    ['$lt with null', { amount: { $lt: null } }, 'filter.amount.$lt', /number or a string/],
    [
      '$gt with an object',
      { amount: { $gt: { v: 1 } } },
      'filter.amount.$gt',
      /number or a string/,
    ],
    ['$exists with a string', { a: { $exists: 'yes' } }, 'filter.a.$exists', /true or false/],
    ['$regex with a number', { a: { $regex: 1 } }, 'filter.a.$regex', /must be a string/],
    [
      '$regex that does not compile',
      { a: { $regex: '(' } },
      'filter.a.$regex',
      /not a valid regular expression/,
    ],
    [
      '$regex longer than 256 characters',
      { a: { $regex: 'a'.repeat(257) } },
      'filter.a.$regex',
      /at most 256/,
    ],
    [
      '$regex with a lookahead',
      { a: { $regex: 'a(?=b)' } },
      'filter.a.$regex',
      /RE2 syntax: no backreferences or lookaround/,
    ],
    [
      '$regex with a backreference',
      { a: { $regex: '(a)\\1' } },
      'filter.a.$regex',
      /RE2 syntax: no backreferences or lookaround/,
    ],
    [
      '$regex that compiles to too large a program',
      { a: { $regex: '[a-z]{1000}' } },
      'filter.a.$regex',
      new RegExp(`at most ${REGEX_PROGRAM_MAX_SIZE} are allowed`),
    ],
    [
      '$regex patterns too large together',
      { a: { $regex: '^.{0,200}$' }, b: { $regex: '^.{0,200}$' }, c: { $regex: '^.{0,200}$' } },
      'filter',
      /\$regex patterns of \d+ instructions in total; at most 1000/,
    ],
    [
      '$options without $regex',
      { a: { $options: 'i' } },
      'filter.a.$options',
      /only allowed beside \$regex/,
    ],
    [
      '$options with a g flag',
      { a: { $regex: 'x', $options: 'g' } },
      'filter.a.$options',
      /unsupported flag "g"/,
    ],
    [
      '$options with a u flag',
      { a: { $regex: 'x', $options: 'iu' } },
      'filter.a.$options',
      /unsupported flag "u"/,
    ],
    [
      '$options with a repeated flag',
      { a: { $regex: 'x', $options: 'ii' } },
      'filter.a.$options',
      /repeated/,
    ],
    [
      '$options that is not a string',
      { a: { $regex: 'x', $options: ['i'] } },
      'filter.a.$options',
      /string of flags/,
    ],
    ['a non-JSON literal', { at: new Date(0) }, 'filter.at', /JSON value/],
    ['a non-finite number', { a: { $in: [1, Infinity] } }, 'filter.a.$in[1]', /JSON value/],
    ['an undefined literal', { a: { $eq: undefined } }, 'filter.a.$eq', /JSON value/],
    [
      'too many conditions',
      fieldsWithConditions(PAYLOAD_FILTER_MAX_CONDITIONS + 1),
      'filter',
      /65 conditions; at most 64/,
    ],
    [
      'filters nested too deep',
      nestedNot(8, { a: 1 }),
      'filter.$not.$not.$not.$not.$not.$not.$not.$not',
      /more than 8 levels/,
    ],
    [
      'a literal nested too deep',
      { a: nestedLiteral(8) },
      'filter.a.v.v.v.v.v.v.v',
      /more than 8 levels/,
    ],
  ])('reports %s', (_description, filter, path, message) => {
    const issues = sut(filter);

    expect(issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('reports every issue, not only the first', () => {
    const issues = sut({ a: { $foo: 1 }, $or: [{ b: { $gt: [] } }, { 'c.': 1 }] });

    expect(issues.map((issue) => issue.path)).toEqual([
      'filter.a.$foo',
      'filter.$or[0].b.$gt',
      'filter.$or[1].c.',
    ]);
  });

  it('counts conditions across logical operators', () => {
    const half = fieldsWithConditions(PAYLOAD_FILTER_MAX_CONDITIONS / 2 + 1);

    expect(sut({ $or: [half, half] })).toEqual([
      { path: 'filter', message: expect.stringMatching(/66 conditions/) },
    ]);
  });
});

/** `{ f0: { $gt: 0, $lt: 1 }, f1: ... }`, padded with one literal to reach an odd count. */
function fieldsWithConditions(count: number): PayloadFilter {
  const filter: PayloadFilter = {};
  for (let index = 0; index < Math.floor(count / 2); index++) {
    filter[`f${index}`] = { $gt: 0, $lt: 1 };
  }
  if (count % 2 === 1) {
    filter.last = 1;
  }
  return filter;
}

function nestedNot(levels: number, innermost: PayloadFilter): PayloadFilter {
  return levels === 0 ? innermost : { $not: nestedNot(levels - 1, innermost) };
}

function nestedLiteral(levels: number): JsonObject {
  return levels === 1 ? { v: 1 } : { v: nestedLiteral(levels - 1) };
}
