import { JsonLogger } from './json-logger';

function capture(now: () => number) {
  const written: string[] = [];
  const sut = new JsonLogger('info', { write: (chunk: string) => void written.push(chunk) }, now);
  return { sut, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonLogger: repeated identical lines', () => {
  it('writes one line per 10 s for an error repeated with only its ids changing', () => {
    let time = 0;
    const { sut, lines } = capture(() => time);
    for (let i = 0; i < 100; i++) {
      time = i * 100; // 100 lines over 9.9 s
      sut.error(
        { errorId: `e${i}`, requestId: `r${i}`, err: { message: 'down' } },
        'database unavailable',
        'Filter',
      );
    }
    time = 10_000;
    sut.error({ errorId: 'last', err: { message: 'down' } }, 'database unavailable', 'Filter');

    expect(lines().map((l) => [l.errorId, l.repeatsNotLogged])).toEqual([
      ['e0', undefined],
      ['last', 99],
    ]);
  });

  it('keeps lines about different deliveries', () => {
    const { sut, lines } = capture(() => 0);
    sut.warn({ deliveryId: 'dlv_1', attempt: 1 }, 'attempt failed', 'DeliveryWorker');
    sut.warn({ deliveryId: 'dlv_2', attempt: 1 }, 'attempt failed', 'DeliveryWorker');

    expect(lines()).toHaveLength(2);
  });

  it('never holds back info or fatal lines', () => {
    const { sut, lines } = capture(() => 0);
    sut.log('same', 'X');
    sut.log('same', 'X');
    sut.fatal('same', 'X');
    sut.fatal('same', 'X');

    expect(lines()).toHaveLength(4);
  });
});
