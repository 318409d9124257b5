import fc from 'fast-check';
import { eventTypeMatchesPattern } from './event-type-pattern';
import { compilePayloadFilter } from './payload-filter';
import {
  MatchableSubscription,
  SubscriptionMatcher,
  UnmatchableSubscriptionError,
} from './subscription-matcher';

let nextSubscriptionNumber = 0;

function aSubscription(overrides: Partial<MatchableSubscription> = {}): MatchableSubscription {
  nextSubscriptionNumber++;
  return {
    subscriptionId: `sub_${nextSubscriptionNumber}`,
    endpointId: `ep_${nextSubscriptionNumber}`,
    eventTypes: ['*'],
    filter: null,
    ...overrides,
  };
}

const proPlan = { plan: 'pro' };
const freePlan = { plan: 'free' };

describe('SubscriptionMatcher', () => {
  describe('match by event type', () => {
    it.each<[string, string[], string, boolean]>([
      ['an exact type', ['invoice.paid'], 'invoice.paid', true],
      ['another exact type', ['invoice.paid'], 'invoice.created', false],
      ['one of several types', ['invoice.created', 'invoice.paid'], 'invoice.paid', true],
      ['a prefix, one level down', ['invoice.*'], 'invoice.paid', true],
      ['a prefix, several levels down', ['invoice.*'], 'invoice.paid.late', true],
      ['a deeper prefix', ['invoice.paid.*'], 'invoice.paid.late', true],
      ['a prefix against its own name', ['invoice.*'], 'invoice', false],
      ['a prefix against a longer sibling name', ['invoice.*'], 'invoices.paid', false],
      ['"*"', ['*'], 'anything.at.all', true],
      ['no event types', [], 'invoice.paid', false],
    ])('%s: %j vs %s', (_description, eventTypes, eventType, expected) => {
      const subscription = aSubscription({ eventTypes });
      const sut = new SubscriptionMatcher([subscription]);

      expect(sut.match(eventType, {}).length === 1).toBe(expected);
    });
  });

  describe('filters', () => {
    it('returns a subscription whose filter accepts the payload', () => {
      const subscription = aSubscription({ filter: proPlan });
      const sut = new SubscriptionMatcher([subscription]);

      expect(sut.match('user.updated', proPlan)).toEqual([
        {
          endpointId: subscription.endpointId,
          subscriptionId: subscription.subscriptionId,
          ordered: false,
        },
      ]);
    });

    it('skips a subscription whose filter rejects the payload', () => {
      const sut = new SubscriptionMatcher([aSubscription({ filter: proPlan })]);

      expect(sut.match('user.updated', freePlan)).toEqual([]);
    });

    it('falls through to the next subscription of the endpoint when a filter rejects', () => {
      const filtered = aSubscription({ endpointId: 'ep_a', filter: proPlan });
      const fallback = aSubscription({ endpointId: 'ep_a', filter: freePlan });
      const sut = new SubscriptionMatcher([filtered, fallback]);

      expect(sut.match('user.updated', freePlan)).toEqual([
        { endpointId: 'ep_a', subscriptionId: fallback.subscriptionId, ordered: false },
      ]);
    });
  });

  describe('one result per endpoint', () => {
    it('returns an endpoint once, with its first matching subscription in input order', () => {
      const first = aSubscription({ endpointId: 'ep_a', eventTypes: ['invoice.*'] });
      const second = aSubscription({ endpointId: 'ep_a', eventTypes: ['invoice.paid'] });
      const sut = new SubscriptionMatcher([first, second]);

      expect(sut.match('invoice.paid', {})).toEqual([
        { endpointId: 'ep_a', subscriptionId: first.subscriptionId, ordered: false },
      ]);
    });

    it('returns a subscription once when several of its patterns match', () => {
      const subscription = aSubscription({ eventTypes: ['*', 'invoice.*', 'invoice.paid'] });
      const sut = new SubscriptionMatcher([subscription]);

      expect(sut.match('invoice.paid', {})).toHaveLength(1);
    });
  });

  describe('ordering', () => {
    it("orders endpoints by their first subscription's input position", () => {
      const subscriptions = [
        aSubscription({ endpointId: 'ep_a', filter: proPlan }),
        aSubscription({ endpointId: 'ep_b', eventTypes: ['invoice.paid'] }),
        aSubscription({ endpointId: 'ep_c', eventTypes: ['invoice.*'] }),
        aSubscription({ endpointId: 'ep_a', eventTypes: ['invoice.paid'] }),
      ];
      const sut = new SubscriptionMatcher(subscriptions);

      const matches = sut.match('invoice.paid', freePlan);

      expect(matches.map((match) => match.endpointId)).toEqual(['ep_a', 'ep_b', 'ep_c']);
    });

    it('gives the same answer on a repeated call (cached candidates)', () => {
      const sut = new SubscriptionMatcher([
        aSubscription({ endpointId: 'ep_a', eventTypes: ['invoice.*'] }),
        aSubscription({ endpointId: 'ep_b', filter: proPlan }),
      ]);

      const first = sut.match('invoice.paid', proPlan);
      const second = sut.match('invoice.paid', proPlan);

      expect(second).toEqual(first);
    });

    it('answers for a payload, not for the payload it saw first on the same event type', () => {
      const sut = new SubscriptionMatcher([aSubscription({ filter: proPlan })]);
      sut.match('user.updated', proPlan);

      expect(sut.match('user.updated', freePlan)).toEqual([]);
    });
  });

  describe('matchDetailed', () => {
    it('lists every matching subscription per endpoint, endpoints and ids in input order', () => {
      const a1 = aSubscription({ endpointId: 'ep_a', eventTypes: ['invoice.*'] });
      const b1 = aSubscription({ endpointId: 'ep_b', eventTypes: ['invoice.paid'] });
      const a2 = aSubscription({ endpointId: 'ep_a', eventTypes: ['*'] });
      const a3 = aSubscription({ endpointId: 'ep_a', filter: proPlan });
      const c1 = aSubscription({ endpointId: 'ep_c', eventTypes: ['user.*'] });
      const sut = new SubscriptionMatcher([a1, b1, a2, a3, c1]);

      expect(sut.matchDetailed('invoice.paid', freePlan)).toEqual([
        { endpointId: 'ep_a', subscriptionIds: [a1.subscriptionId, a2.subscriptionId] },
        { endpointId: 'ep_b', subscriptionIds: [b1.subscriptionId] },
      ]);
    });

    it('omits endpoints with no matching subscription', () => {
      const sut = new SubscriptionMatcher([aSubscription({ eventTypes: ['user.*'] })]);

      expect(sut.matchDetailed('invoice.paid', {})).toEqual([]);
    });
  });

  describe('building', () => {
    it.each<[string, Partial<MatchableSubscription>]>([
      ['an invalid event type pattern', { eventTypes: ['invoice.*.paid'] }],
      ['an invalid filter', { filter: { amount: { $between: [1, 2] } } }],
    ])('refuses a subscription with %s', (_description, overrides) => {
      const build = (): unknown => new SubscriptionMatcher([aSubscription(overrides)]);

      expect(build).toThrow(UnmatchableSubscriptionError);
    });

    it('names the subscription that cannot be matched', () => {
      const build = (): unknown =>
        new SubscriptionMatcher([aSubscription({ subscriptionId: 'sub_bad', eventTypes: ['**'] })]);

      expect(build).toThrow(/sub_bad/);
    });
  });

  it('agrees with checking every subscription one by one (property)', () => {
    const segment = fc.constantFrom('a', 'b', 'c');
    const eventType = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));
    const pattern = fc.oneof(
      eventType,
      eventType.map((prefix) => `${prefix}.*`),
      fc.constant('*'),
    );
    const subscription = fc.record({
      endpointId: fc.constantFrom('ep_1', 'ep_2', 'ep_3'),
      eventTypes: fc.array(pattern, { maxLength: 3 }),
      filter: fc.constantFrom(null, proPlan, freePlan),
    });
    const payload = fc.constantFrom(proPlan, freePlan);

    fc.assert(
      fc.property(
        fc.array(subscription, { maxLength: 12 }),
        eventType,
        payload,
        (specs, type, body) => {
          const subscriptions = specs.map((spec, index) => ({
            ...spec,
            subscriptionId: `s${index}`,
          }));
          const sut = new SubscriptionMatcher(subscriptions);

          return (
            JSON.stringify(sut.match(type, body)) ===
            JSON.stringify(bruteForceMatch(subscriptions, type, body))
          );
        },
      ),
    );
  });
});

/** The specification of `match`, written the slow and obvious way. */
function bruteForceMatch(
  subscriptions: MatchableSubscription[],
  eventType: string,
  payload: unknown,
): Array<{ endpointId: string; subscriptionId: string; ordered: boolean }> {
  const endpointOrder = [...new Set(subscriptions.map((s) => s.endpointId))];
  const firstMatch = new Map<string, string>();
  for (const subscription of subscriptions) {
    const typeMatches = subscription.eventTypes.some((p) => eventTypeMatchesPattern(p, eventType));
    const filterMatches =
      subscription.filter === null || compilePayloadFilter(subscription.filter)(payload);
    if (typeMatches && filterMatches && !firstMatch.has(subscription.endpointId)) {
      firstMatch.set(subscription.endpointId, subscription.subscriptionId);
    }
  }
  return endpointOrder.flatMap((endpointId) => {
    const subscriptionId = firstMatch.get(endpointId);
    return subscriptionId === undefined ? [] : [{ endpointId, subscriptionId, ordered: false }];
  });
}
