import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakeClock } from '../../common/clock';
import { MetricsService } from '../../metrics/metrics.service';
import { DeliveryOutcomeObservers } from '../hooks/delivery-outcome-observer';
import type { RecordedOutcome } from '../hooks/recorded-outcome';
import { claimedDelivery } from '../../../test/support/claimed-delivery';
import { AttemptRecorder } from './attempt-recorder';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import type { AttemptRecord, AttemptRecordRepository } from '../../queue/attempt-record.repository';

/*
 * What the recorder writes for each attempt (the retry policy's verdict turned into the
 * delivery's next state) and how it batches, retries and reports the writes. The queue is an
 * in-memory stand-in; the statements themselves are covered on PostgreSQL
 * (test/delivery-queue.e2e-spec.ts).
 */

const T0 = Date.UTC(2030, 0, 1);
const SECOND = 1000;
const claimed = (overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery =>
  claimedDelivery('1', T0, { id: 'dlv_1', payload: '{"large":"payload"}', ...overrides });

function result(overrides: Partial<AttemptResult> = {}): AttemptResult {
  return {
    succeeded: false,
    statusCode: 500,
    errorClass: 'http_status',
    error: 'HTTP 500',
    responseBody: 'oops',
    durationMs: 7,
    retryAfterSeconds: null,
    final: false,
    ...overrides,
  };
}

/** Records every write; fails the next `failNext` writes (the database is down). */
class InMemoryQueue {
  writes: AttemptRecord[][] = [];
  failNext = 0;
  async record(records: readonly AttemptRecord[]): Promise<number> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }
    this.writes.push([...records]);
    return records.length;
  }
}

describe('AttemptRecorder', () => {
  const silenced = [
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
  ];
  afterAll(() => silenced.forEach((spy) => spy.mockRestore()));

  let clock: FakeClock;
  let queue: InMemoryQueue;
  let observed: RecordedOutcome[][];
  let sut: AttemptRecorder;

  beforeEach(() => {
    clock = new FakeClock(T0);
    queue = new InMemoryQueue();
    observed = [];
    const observers = new DeliveryOutcomeObservers();
    observers.register({ onOutcomes: (outcomes) => void observed.push([...outcomes]) });
    sut = new AttemptRecorder(
      queue as unknown as AttemptRecordRepository,
      new MetricsService(),
      observers,
      clock,
    );
  });

  /** Records one attempt and returns what was written for it. */
  async function judge(
    delivery: ClaimedDelivery,
    schedule: readonly number[] | null,
    outcome: AttemptResult,
  ): Promise<AttemptRecord> {
    sut.add(delivery, schedule, outcome, clock.now());
    await sut.idle();
    return queue.writes.flat()[0];
  }

  describe('judges each attempt into the delivery state it writes', () => {
    const at = (seconds: number) => new Date(T0 + seconds * SECOND);
    it.each<
      [
        string,
        Partial<ClaimedDelivery>,
        readonly number[] | null,
        Partial<AttemptResult>,
        { attempt: number; status: string; nextAttemptAt: Date | null },
      ]
    >([
      [
        'a success: succeeded, nothing due',
        {},
        [60],
        { succeeded: true, statusCode: 200, errorClass: null, error: null },
        { attempt: 1, status: 'succeeded', nextAttemptAt: null },
      ],
      [
        'a first failure: pending, due after the first delay of the schedule',
        {},
        [60, 300],
        {},
        { attempt: 1, status: 'pending', nextAttemptAt: at(60) },
      ],
      [
        'a later failure: the delay of its own attempt number',
        { attempts: 1, firstAttemptAt: new Date(T0 - 60 * SECOND) },
        [60, 300],
        {},
        { attempt: 2, status: 'pending', nextAttemptAt: at(300) },
      ],
      [
        'a failure past the end of the schedule: failed for good',
        { attempts: 2, firstAttemptAt: new Date(T0 - 360 * SECOND) },
        [60, 300],
        {},
        { attempt: 3, status: 'failed', nextAttemptAt: null },
      ],
      [
        'a final failure (blocked destination): failed at once',
        {},
        [60, 300],
        { final: true, statusCode: null, errorClass: 'blocked' },
        { attempt: 1, status: 'failed', nextAttemptAt: null },
      ],
      [
        'a Retry-After longer than the schedule: honoured',
        {},
        [60],
        { statusCode: 429, retryAfterSeconds: 120 },
        { attempt: 1, status: 'pending', nextAttemptAt: at(120) },
      ],
      [
        'a failure in a re-queued window: the schedule starts over after the earlier attempts',
        {
          attempts: 2,
          firstAttemptAt: new Date(T0 - 3 * 86_400 * SECOND),
          retryWindowStart: new Date(T0 - SECOND),
          retryScheduleBase: 2,
        },
        [60, 300],
        {},
        { attempt: 3, status: 'pending', nextAttemptAt: at(60) },
      ],
    ])('%s', async (_case, delivery, schedule, outcome, expected) => {
      const written = await judge(claimed(delivery), schedule, result(outcome));
      expect({
        attempt: written.attempt,
        status: written.status,
        nextAttemptAt: written.nextAttemptAt,
      }).toEqual(expected);
    });

    it('retries on the default schedule (5 s ± 20 %) when the endpoint has none', async () => {
      const written = await judge(claimed(), null, result());
      expect(written.status).toBe('pending');
      const delay = (written.nextAttemptAt as Date).getTime() - T0;
      expect(delay).toBeGreaterThanOrEqual(4 * SECOND);
      expect(delay).toBeLessThanOrEqual(6 * SECOND);
    });

    it('writes the attempt as sent, under the lease it was claimed with, without the payload', async () => {
      const attemptedAt = new Date(T0 - 5);
      sut.add(claimed(), [60], result(), attemptedAt);
      await sut.idle();
      const [written] = queue.writes[0];
      expect(written).toMatchObject({
        delivery: {
          id: 'dlv_1',
          appId: 'app_1',
          messageId: 'msg_1',
          endpointId: 'ep_1',
          leaseUntil: new Date(T0 + 60 * SECOND),
        },
        statusCode: 500,
        errorClass: 'http_status',
        error: 'HTTP 500',
        responseBody: 'oops',
        durationMs: 7,
        attemptedAt,
      });
      expect(written.attemptId).toMatch(/^atmpt_/);
      expect(Object.keys(written.delivery).sort()).toEqual(
        ['appId', 'endpointId', 'fifo', 'id', 'leaseUntil', 'messageId'].sort(),
      );
    });
  });

  describe('writes in batches', () => {
    it('writes the attempts handed over in one tick in one statement', async () => {
      for (let i = 1; i <= 5; i++)
        sut.add(claimed({ id: `dlv_${i}` }), [60], result(), clock.now());
      expect(sut.pending).toBe(5);
      await sut.idle();
      expect(queue.writes.map((w) => w.map((r) => r.delivery.id))).toEqual([
        ['dlv_1', 'dlv_2', 'dlv_3', 'dlv_4', 'dlv_5'],
      ]);
      expect(sut.pending).toBe(0);
    });

    it('resolves whenWritten only after the write has committed', async () => {
      sut.add(claimed(), [60], result(), clock.now());
      await sut.whenWritten();
      expect(queue.writes).toHaveLength(1);
    });

    it('keeps a batch whose write failed and writes it again, once', async () => {
      queue.failNext = 1;
      sut.add(claimed(), [60], result(), clock.now());
      expect(sut.pending).toBe(1);
      await sut.idle();
      expect(queue.writes.map((w) => w.map((r) => r.delivery.id))).toEqual([['dlv_1']]);
      expect(sut.pending).toBe(0);
    });

    it('tells the observers about a batch after it has committed, never before', async () => {
      queue.failNext = 1;
      sut.add(claimed({ id: 'dlv_a' }), [60], result(), clock.now());
      sut.add(
        claimed({ id: 'dlv_b', endpointId: 'ep_2' }),
        [60],
        result({ succeeded: true, statusCode: 200, errorClass: null, error: null }),
        clock.now(),
      );
      await sut.idle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(observed).toHaveLength(1);
      expect(
        observed[0].map((o) => [o.deliveryId, o.endpointId, o.eventType, o.status, o.attempt]),
      ).toEqual([
        ['dlv_a', 'ep_1', 'invoice.paid', 'pending', 1],
        ['dlv_b', 'ep_2', 'invoice.paid', 'succeeded', 1],
      ]);
    });
  });
});
