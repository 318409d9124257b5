import { EndpointQueues } from './endpoint-queues';

type Item = { endpointId: string; n: number };
const items = (endpointId: string, count: number): Item[] =>
  Array.from({ length: count }, (_, n) => ({ endpointId, n }));
const options = { maxInFlight: 2, concurrency: 5, window: 4, stallAfterMs: 1000 };

describe('EndpointQueues', () => {
  it('starts only what the permit allows; the rest keeps waiting', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue([...items('limited', 3), ...items('free', 1)], 0);
    const started = sut.takeStartable((endpointId, wanted) =>
      endpointId === 'limited' ? 1 : wanted,
    );
    expect(started.map((i) => i.endpointId).sort()).toEqual(['free', 'limited']);
    expect(sut.waiting).toBe(2);
  });

  it('starts at most maxInFlight per endpoint', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue(items('a', 10), 0);
    expect(sut.takeStartable()).toHaveLength(2);
    expect(sut.takeStartable()).toHaveLength(0);
  });

  it('gives the capacity a saturated endpoint cannot use to the others', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue([...items('slow', 10), ...items('b', 1), ...items('c', 1)], 0);
    const started = sut.takeStartable();
    expect(started.map((i) => i.endpointId).sort()).toEqual(['b', 'c', 'slow', 'slow']);
  });

  it('never exceeds the worker concurrency', () => {
    const sut = new EndpointQueues<Item>(options);
    for (const e of ['a', 'b', 'c', 'd']) sut.enqueue(items(e, 2), 0);
    expect(sut.takeStartable()).toHaveLength(5);
    expect(sut.sending).toBe(5);
  });

  it('serves the endpoint left out last time first on the next round', () => {
    const sut = new EndpointQueues<Item>({ ...options, concurrency: 2, maxInFlight: 1 });
    for (const e of ['a', 'b', 'c']) sut.enqueue(items(e, 3), 0);
    const first = sut.takeStartable().map((i) => i.endpointId);
    for (const e of first) sut.finished(e, 1);
    expect(sut.takeStartable().map((i) => i.endpointId)[0]).toBe('c');
  });

  it('frees a slot when a send finishes', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue(items('a', 3), 0);
    sut.takeStartable();
    sut.finished('a', 10);
    expect(sut.takeStartable()).toHaveLength(1);
  });

  it('excludes an endpoint with a full window waiting', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue(items('a', 6), 0);
    sut.takeStartable();
    expect(sut.isExcluded('a', 1)).toBe(true);
  });

  it('excludes an endpoint whose slots are all busy and stalled, not one that is merely busy', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue(items('a', 2), 0);
    sut.takeStartable();
    expect(sut.isExcluded('a', 999)).toBe(false);
    expect(sut.isExcluded('a', 1000)).toBe(true);
    expect([...sut.excluded(1000, new Set())]).toEqual(['a']);
  });

  it('hands back work that waited too long, oldest first, and only that', () => {
    const sut = new EndpointQueues<Item>({ ...options, maxInFlight: 1 });
    sut.enqueue(items('a', 3), 0);
    sut.takeStartable();
    sut.enqueue(items('a', 1), 500);
    const handedBack = sut.takeWaitingSince(100);
    expect(handedBack.map((i) => i.n)).toEqual([1, 2]);
    expect(sut.waiting).toBe(1);
  });

  it('hands back everything waiting for a stalled endpoint, nothing of a busy one', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue([...items('stalled', 5), ...items('busy', 5)], 0);
    sut.takeStartable();
    sut.finished('busy', 900);
    sut.takeStartable();
    const handedBack = sut.takeWaitingOfStalled(1000);
    expect(handedBack.map((i) => i.endpointId)).toEqual(['stalled', 'stalled', 'stalled']);
    expect(sut.waiting).toBe(2);
  });

  it('names the stalled endpoints, also once nothing of theirs waits here', () => {
    const sut = new EndpointQueues<Item>(options);
    sut.enqueue([...items('stalled', 2), ...items('busy', 2)], 0);
    sut.takeStartable();
    sut.finished('busy', 900);
    sut.enqueue(items('busy', 1), 900);
    sut.takeStartable();
    expect(sut.stalled(1000)).toEqual(['stalled']);
  });
});
