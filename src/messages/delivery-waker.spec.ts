import { jest } from '@jest/globals';
import { DELIVERY_WAKE_INTERVAL_MS, DeliveryWaker } from './delivery-waker';
import type { MessagesRepository } from './messages.repository';

describe('DeliveryWaker', () => {
  let sent: number;
  let sut: DeliveryWaker;
  beforeEach(() => {
    jest.useFakeTimers();
    sent = 0;
    const repository = {
      notifyDeliveries: async () => void sent++,
    } as unknown as MessagesRepository;
    sut = new DeliveryWaker(repository);
  });
  afterEach(() => jest.useRealTimers());

  it('wakes the workers at once after a quiet period', () => {
    sut.deliveriesCommitted();
    expect(sent).toBe(1);
  });

  it('coalesces a burst into one wake-up now and one after the interval', () => {
    for (let i = 0; i < 100; i++) sut.deliveriesCommitted();
    expect(sent).toBe(1);
    jest.advanceTimersByTime(DELIVERY_WAKE_INTERVAL_MS);
    expect(sent).toBe(2);
  });

  it('sends nothing more when nothing was committed since the last wake-up', () => {
    sut.deliveriesCommitted();
    jest.advanceTimersByTime(DELIVERY_WAKE_INTERVAL_MS * 10);
    expect(sent).toBe(1);
  });

  it('sends a scheduled wake-up on shutdown instead of dropping it', async () => {
    sut.deliveriesCommitted();
    sut.deliveriesCommitted();
    await sut.onModuleDestroy();
    expect(sent).toBe(2);
  });
});
