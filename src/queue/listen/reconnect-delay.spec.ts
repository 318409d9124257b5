import { reconnectDelayMs } from './reconnect-delay';

describe('reconnectDelayMs', () => {
  it.each([
    [1, 250],
    [2, 500],
    [5, 4_000],
    [20, 30_000],
  ])('after %i failures waits %i ms', (failures, delay) => {
    expect(reconnectDelayMs(failures)).toBe(delay);
  });
});
