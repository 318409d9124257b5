import { parseEventTypePattern, validateEventTypePattern } from './event-type-pattern';
import {
  compilePayloadFilter,
  InvalidPayloadFilterError,
  PayloadFilter,
  PayloadPredicate,
} from './payload-filter';

export interface MatchableSubscription {
  readonly subscriptionId: string;
  readonly endpointId: string;
  readonly eventTypes: readonly string[];
  readonly filter: PayloadFilter | null;
  /** The endpoint delivers in order (FIFO per ordering key); carried through to the match. */
  readonly ordered?: boolean;
}

export interface SubscriptionMatch {
  readonly endpointId: string;
  readonly subscriptionId: string;
  readonly ordered: boolean;
}

export interface EndpointMatchDetail {
  readonly endpointId: string;
  /** Every subscription of the endpoint that matches, in input order. */
  readonly subscriptionIds: string[];
}

/** Thrown at build time: a stored subscription that skipped validation must not be guessed at. */
export class UnmatchableSubscriptionError extends Error {
  readonly code = 'UNMATCHABLE_SUBSCRIPTION';

  constructor(
    readonly subscriptionId: string,
    reason: string,
  ) {
    super(`subscription ${subscriptionId} cannot be matched: ${reason}`);
    this.name = 'UnmatchableSubscriptionError';
  }
}

interface IndexedSubscription {
  /** Position in the input, which decides which subscription wins for its endpoint. */
  readonly inputOrder: number;
  /** Position of the endpoint's first subscription among endpoints: the result order. */
  readonly endpointOrder: number;
  /** Shared and frozen, so a match allocates nothing beyond the result array. */
  readonly match: SubscriptionMatch;
  readonly acceptsPayload: PayloadPredicate | null;
}

/**
 * The subscriptions an event type can reach, sorted by (endpointOrder, inputOrder) so that
 * the first accepting subscription of each endpoint group is the one that wins.
 */
interface CandidateList {
  readonly subscriptions: readonly IndexedSubscription[];
  /** For each position, where the next endpoint's group starts: skips the rest after a win. */
  readonly nextEndpointStart: Int32Array;
}

/**
 * Event types form a small, mostly fixed vocabulary per app, so candidate lists are cached per
 * type; the cap only guards against a producer inventing types, and a reset is cheap.
 */
const CANDIDATE_CACHE_MAX_EVENT_TYPES = 1024;
const NO_CANDIDATES: CandidateList = { subscriptions: [], nextEndpointStart: new Int32Array(0) };

/**
 * Decides which endpoints of one app receive a message. Built once per app from its
 * subscriptions: exact types and `prefix.*` patterns are indexed in maps, filters are compiled
 * once, so a match costs a cached lookup and the filters of the candidate subscriptions only.
 */
export class SubscriptionMatcher {
  private readonly byExactType = new Map<string, IndexedSubscription[]>();
  private readonly byPrefix = new Map<string, IndexedSubscription[]>();
  private readonly matchingAllTypes: IndexedSubscription[] = [];
  private readonly candidateCache = new Map<string, CandidateList>();

  constructor(subscriptions: readonly MatchableSubscription[]) {
    const endpointOrders = new Map<string, number>();
    subscriptions.forEach((subscription, inputOrder) => {
      let endpointOrder = endpointOrders.get(subscription.endpointId);
      if (endpointOrder === undefined) {
        endpointOrder = endpointOrders.size;
        endpointOrders.set(subscription.endpointId, endpointOrder);
      }
      const indexed: IndexedSubscription = {
        inputOrder,
        endpointOrder,
        match: Object.freeze({
          endpointId: subscription.endpointId,
          subscriptionId: subscription.subscriptionId,
          ordered: subscription.ordered === true,
        }),
        acceptsPayload: compileFilterOf(subscription),
      };
      for (const pattern of subscription.eventTypes) {
        this.index(indexed, pattern, subscription.subscriptionId);
      }
    });
  }

  /** Each endpoint at most once, with its first accepting subscription, in endpoint order. */
  match(eventType: string, payload: unknown): SubscriptionMatch[] {
    const { subscriptions, nextEndpointStart } = this.candidatesFor(eventType);
    const matches: SubscriptionMatch[] = [];
    let position = 0;
    while (position < subscriptions.length) {
      const candidate = subscriptions[position];
      if (candidate.acceptsPayload === null || candidate.acceptsPayload(payload)) {
        matches.push(candidate.match);
        position = nextEndpointStart[position];
      } else {
        position++;
      }
    }
    return matches;
  }

  /** Every accepting subscription per endpoint; for explaining a routing decision, not for it. */
  matchDetailed(eventType: string, payload: unknown): EndpointMatchDetail[] {
    const details: EndpointMatchDetail[] = [];
    let current: EndpointMatchDetail | null = null;
    for (const candidate of this.candidatesFor(eventType).subscriptions) {
      if (candidate.acceptsPayload !== null && !candidate.acceptsPayload(payload)) {
        continue;
      }
      if (current === null || current.endpointId !== candidate.match.endpointId) {
        current = { endpointId: candidate.match.endpointId, subscriptionIds: [] };
        details.push(current);
      }
      current.subscriptionIds.push(candidate.match.subscriptionId);
    }
    return details;
  }

  private index(indexed: IndexedSubscription, pattern: string, subscriptionId: string): void {
    const parsed = parseEventTypePattern(pattern);
    if (parsed === null) {
      const reason = validateEventTypePattern(pattern) ?? 'invalid pattern';
      throw new UnmatchableSubscriptionError(subscriptionId, `"${pattern}": ${reason}`);
    }
    switch (parsed.kind) {
      case 'all':
        this.matchingAllTypes.push(indexed);
        return;
      case 'prefix':
        appendTo(this.byPrefix, parsed.prefix, indexed);
        return;
      case 'exact':
        appendTo(this.byExactType, parsed.eventType, indexed);
        return;
    }
  }

  private candidatesFor(eventType: string): CandidateList {
    const cached = this.candidateCache.get(eventType);
    if (cached !== undefined) {
      return cached;
    }
    if (this.candidateCache.size >= CANDIDATE_CACHE_MAX_EVENT_TYPES) {
      this.candidateCache.clear();
    }
    const candidates = this.collectCandidates(eventType);
    this.candidateCache.set(eventType, candidates);
    return candidates;
  }

  private collectCandidates(eventType: string): CandidateList {
    // A Set because one subscription may reach the same type through several patterns.
    const found = new Set<IndexedSubscription>(this.byExactType.get(eventType));
    if (this.byPrefix.size > 0) {
      // `a.b.*` matches types strictly below `a.b`: look up every proper ancestor of the type.
      for (let dot = eventType.indexOf('.'); dot !== -1; dot = eventType.indexOf('.', dot + 1)) {
        this.byPrefix.get(eventType.slice(0, dot))?.forEach((indexed) => found.add(indexed));
      }
    }
    this.matchingAllTypes.forEach((indexed) => found.add(indexed));
    if (found.size === 0) {
      return NO_CANDIDATES;
    }
    const subscriptions = [...found].sort(
      (a, b) => a.endpointOrder - b.endpointOrder || a.inputOrder - b.inputOrder,
    );
    const nextEndpointStart = new Int32Array(subscriptions.length);
    for (let position = subscriptions.length - 1; position >= 0; position--) {
      const next = position + 1;
      const sameEndpointFollows =
        next < subscriptions.length &&
        subscriptions[next].endpointOrder === subscriptions[position].endpointOrder;
      nextEndpointStart[position] = sameEndpointFollows ? nextEndpointStart[next] : next;
    }
    return { subscriptions, nextEndpointStart };
  }
}

function compileFilterOf(subscription: MatchableSubscription): PayloadPredicate | null {
  if (subscription.filter === null) {
    return null;
  }
  try {
    return compilePayloadFilter(subscription.filter);
  } catch (error) {
    if (error instanceof InvalidPayloadFilterError) {
      throw new UnmatchableSubscriptionError(subscription.subscriptionId, error.message);
    }
    throw error;
  }
}

function appendTo(
  index: Map<string, IndexedSubscription[]>,
  key: string,
  indexed: IndexedSubscription,
): void {
  const bucket = index.get(key);
  if (bucket === undefined) {
    index.set(key, [indexed]);
  } else {
    bucket.push(indexed);
  }
}
