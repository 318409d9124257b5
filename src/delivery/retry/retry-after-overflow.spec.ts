import { parseRetryAfterSeconds } from './retry-after';
import { MAX_DELAY_SECONDS, RetryPolicy } from './retry-policy';

const NOW = new Date(Date.UTC(2030, 0, 1));
const noJitter = (): number => 0.5;

/** Issue 17: an enormous Retry-After was treated as garbage (the 4–30 s default) instead of capped. */
describe('Retry-After beyond any sensible wait', () => {
  it.each([
    ['ten digits', '1234567890'],
    ['twenty digits', '99999999999999999999'],
    ['four hundred digits (past a double)', '9'.repeat(400)],
  ])('%s waits the 1 h cap', (_case, header) => {
    const sut = new RetryPolicy(noJitter);

    const next = sut.nextAttemptAt({
      attemptNumber: 1,
      firstAttemptAt: NOW,
      now: NOW,
      retryAfterSeconds: parseRetryAfterSeconds(header, NOW),
    });

    expect(next === null ? null : (next.getTime() - NOW.getTime()) / 1000).toBe(MAX_DELAY_SECONDS);
  });
});
