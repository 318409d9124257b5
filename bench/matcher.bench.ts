/**
 * Micro-benchmark of SubscriptionMatcher: one app with 1,000 subscriptions (exact types,
 * `prefix.*` patterns, `*`, and payload filters) answering `match()` for a stream of messages.
 * Target: at least 100,000 match checks per second on one core.
 *
 * Run from the repository root. It is compiled with the rest of the bench (tsconfig.bench.json,
 * which includes only bench/ and what it imports, so work in progress elsewhere in src/
 * cannot break it):
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/matcher.bench.js
 * Prints one JSON object; the exit code is 1 when the target is missed.
 */
import { MatchableSubscription, SubscriptionMatcher } from '../src/matching/subscription-matcher';
import { PayloadFilter } from '../src/matching/payload-filter';

const SUBSCRIPTION_COUNT = 1_000;
const SUBSCRIPTIONS_PER_ENDPOINT = 4;
const MESSAGE_COUNT = 1_000;
const WARM_UP_MS = 500;
const MEASURE_MS = 2_000;
const TARGET_CHECKS_PER_SECOND = 100_000;

const RESOURCES = ['invoice', 'customer', 'subscription', 'payment', 'refund', 'user', 'order'];
const ACTIONS = ['created', 'updated', 'deleted', 'paid', 'failed', 'archived'];
const PLANS = ['free', 'pro', 'enterprise'];

/** Seeded, so every run measures the same workload. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(42);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

function randomEventType(): string {
  const base = `${pick(RESOURCES)}.${pick(ACTIONS)}`;
  return random() < 0.2 ? `${base}.v${Math.floor(random() * 3)}` : base;
}

function randomPatterns(): string[] {
  const roll = random();
  if (roll < 0.55) {
    return Array.from({ length: 1 + Math.floor(random() * 3) }, randomEventType);
  }
  if (roll < 0.9) {
    return [`${pick(RESOURCES)}.*`];
  }
  if (roll < 0.95) {
    return [`${pick(RESOURCES)}.${pick(ACTIONS)}.*`];
  }
  return ['*'];
}

function randomFilter(): PayloadFilter | null {
  const roll = random();
  if (roll < 0.6) {
    return null;
  }
  if (roll < 0.75) {
    return { 'customer.plan': pick(PLANS) };
  }
  if (roll < 0.85) {
    return { amount: { $gte: Math.floor(random() * 1000) }, currency: { $in: ['EUR', 'USD'] } };
  }
  if (roll < 0.95) {
    return {
      $or: [{ 'customer.plan': 'enterprise' }, { tags: 'vip' }],
      'customer.email': { $exists: true },
    };
  }
  return { 'customer.email': { $regex: '@example\\.(com|org)$', $options: 'i' } };
}

function buildSubscriptions(): MatchableSubscription[] {
  return Array.from({ length: SUBSCRIPTION_COUNT }, (_, index) => ({
    subscriptionId: `sub_${index}`,
    endpointId: `ep_${Math.floor(index / SUBSCRIPTIONS_PER_ENDPOINT)}`,
    eventTypes: randomPatterns(),
    filter: randomFilter(),
  }));
}

function buildMessages(): Array<{ eventType: string; payload: unknown }> {
  return Array.from({ length: MESSAGE_COUNT }, (_, index) => ({
    eventType: randomEventType(),
    payload: {
      id: `msg_${index}`,
      amount: Math.floor(random() * 2000),
      currency: pick(['EUR', 'USD', 'GBP']),
      tags: random() < 0.3 ? ['vip', 'new'] : ['new'],
      customer: { plan: pick(PLANS), email: `user${index}@example.${pick(['com', 'net'])}` },
    },
  }));
}

/** Runs match() for at least `durationMs`; returns calls made and endpoints matched. */
function run(
  sut: SubscriptionMatcher,
  messages: ReturnType<typeof buildMessages>,
  durationMs: number,
): { calls: number; matched: number; elapsedMs: number } {
  let calls = 0;
  let matched = 0;
  const startedAt = performance.now();
  let elapsedMs = 0;
  while (elapsedMs < durationMs) {
    // Check the clock once per pass over the messages, not per call.
    for (const message of messages) {
      matched += sut.match(message.eventType, message.payload).length;
    }
    calls += messages.length;
    elapsedMs = performance.now() - startedAt;
  }
  return { calls, matched, elapsedMs };
}

function main(): void {
  const subscriptions = buildSubscriptions();
  const messages = buildMessages();

  const buildStartedAt = performance.now();
  const sut = new SubscriptionMatcher(subscriptions);
  const buildMs = performance.now() - buildStartedAt;

  run(sut, messages, WARM_UP_MS);
  const { calls, matched, elapsedMs } = run(sut, messages, MEASURE_MS);
  const checksPerSecond = Math.round(calls / (elapsedMs / 1000));

  console.log(
    JSON.stringify(
      {
        benchmark: 'SubscriptionMatcher.match',
        node: process.version,
        subscriptions: SUBSCRIPTION_COUNT,
        endpoints: SUBSCRIPTION_COUNT / SUBSCRIPTIONS_PER_ENDPOINT,
        distinctMessages: MESSAGE_COUNT,
        buildMs: Number(buildMs.toFixed(1)),
        matchChecksPerSecond: checksPerSecond,
        averageEndpointsPerMessage: Number((matched / calls).toFixed(1)),
        meanMicrosecondsPerCheck: Number(((elapsedMs * 1000) / calls).toFixed(2)),
        targetChecksPerSecond: TARGET_CHECKS_PER_SECOND,
        meetsTarget: checksPerSecond >= TARGET_CHECKS_PER_SECOND,
      },
      null,
      2,
    ),
  );
  process.exitCode = checksPerSecond >= TARGET_CHECKS_PER_SECOND ? 0 : 1;
}

main();
