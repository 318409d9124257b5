import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakeClock } from '../../common/clock';
import { MetricsService } from '../../metrics/metrics.service';
import { DeliveryOutcomeObservers } from '../hooks/delivery-outcome-observer';
import { claimedDelivery } from '../../../test/support/claimed-delivery';
import { AttemptRecorder } from './attempt-recorder';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import type { AttemptRecord, AttemptRecordRepository } from '../../queue/attempt-record.repository';

const clock = new FakeClock();

const delivery = (id: string): ClaimedDelivery => claimedDelivery(id, clock.now().getTime());

const succeeded: AttemptResult = {
  succeeded: true,
  statusCode: 200,
  errorClass: null,
  error: null,
  responseBody: '',
  durationMs: 3,
  retryAfterSeconds: null,
  final: false,
};

/** A queue whose writes fail (the database is down) until `up` is set. */
class FlakyQueue {
  up = false;
  writes = 0;
  recorded: AttemptRecord[] = [];
  async record(records: readonly AttemptRecord[]): Promise<number> {
    this.writes++;
    if (!this.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    this.recorded.push(...records);
    return records.length;
  }
}

describe('AttemptRecorder.drain (shutdown)', () => {
  const logger = {
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
    error: jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
  };
  afterEach(() => Object.values(logger).forEach((spy) => spy.mockClear()));
  afterAll(() => Object.values(logger).forEach((spy) => spy.mockRestore()));

  const sutWith = (queue: FlakyQueue): AttemptRecorder =>
    new AttemptRecorder(
      queue as unknown as AttemptRecordRepository,
      new MetricsService(),
      new DeliveryOutcomeObservers(),
      clock,
    );

  it('returns once everything is written when the database is up', async () => {
    const queue = Object.assign(new FlakyQueue(), { up: true });
    const sut = sutWith(queue);
    sut.add(delivery('dlv_1'), null, succeeded, clock.now());
    expect(await sut.drain(5_000)).toBe(0);
    expect(queue.recorded.map((r) => r.delivery.id)).toEqual(['dlv_1']);
  });

  it('gives up after its time while the database is down, and says what is left unrecorded', async () => {
    const queue = new FlakyQueue();
    const sut = sutWith(queue);
    sut.add(delivery('dlv_1'), null, succeeded, clock.now());
    sut.add(delivery('dlv_2'), null, succeeded, clock.now());
    const started = performance.now();
    expect(await sut.drain(200)).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_000);
    const [fields, message] = logger.warn.mock.calls[0] as [Record<string, unknown>, string];
    expect(fields).toMatchObject({ unrecorded: 2, deliveryIds: ['dlv_1', 'dlv_2'] });
    expect(message).toMatch(/unrecorded.*sent again/);
  });

  it('stops retrying once it gave up', async () => {
    const queue = new FlakyQueue();
    const sut = sutWith(queue);
    sut.add(delivery('dlv_1'), null, succeeded, clock.now());
    await sut.drain(100);
    const writes = queue.writes;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(queue.writes).toBe(writes);
    await sut.idle();
  });
});

describe('AttemptRecorder and FIFO streams', () => {
  const failedForNow: AttemptResult = { ...succeeded, succeeded: false, statusCode: 500 };
  const inStream = (id: string): ClaimedDelivery => ({
    ...delivery(id),
    fifo: { key: 'user-1', seq: '7' },
  });

  it.each([
    ['a FIFO delivery that succeeded', inStream('dlv_f'), succeeded, 1],
    [
      'a FIFO delivery that will be retried (its successor still waits)',
      inStream('dlv_r'),
      failedForNow,
      0,
    ],
    ['an unordered delivery', delivery('dlv_u'), succeeded, 0],
  ])(
    'after writing %s, wakes the FIFO claim only if its stream moved on',
    async (_case, claimed, result, calls) => {
      const queue = Object.assign(new FlakyQueue(), { up: true });
      const sut = new AttemptRecorder(
        queue as unknown as AttemptRecordRepository,
        new MetricsService(),
        new DeliveryOutcomeObservers(),
        clock,
      );
      let advanced = 0;
      sut.onStreamsAdvanced(() => advanced++);
      sut.add(claimed, [60], result, clock.now());
      await sut.idle();
      expect(queue.recorded.map((r) => r.delivery.fifo)).toEqual([claimed.fifo]);
      expect(advanced).toBe(calls);
    },
  );
});
