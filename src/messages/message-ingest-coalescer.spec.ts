import {
  mayBeOneMessagesFault,
  MessageIngestCoalescer,
  type IngestCoalescingOptions,
  type MessageRowsWriter,
  type PendingIngest,
} from './message-ingest-coalescer';
import type { IngestResult, NewDeliveryRow, NewMessageRow } from './messages.repository';

interface Statement {
  messages: NewMessageRow[];
  deliveries: NewDeliveryRow[];
  commit(): void;
  fail(err: unknown): void;
}

/**
 * Holds every statement until the test commits or fails it. Like the database it inserts each
 * new (app, eventId) once; `refuse` makes any statement holding that message id fail.
 */
class FakeWriter implements MessageRowsWriter {
  readonly statements: Statement[] = [];
  readonly stored = new Set<string>();
  readonly refuse = new Map<string, Error>();
  autoCommit = false;

  ingest(messages: NewMessageRow[], deliveries: NewDeliveryRow[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const statement: Statement = {
        messages,
        deliveries,
        commit: () => {
          const refused = messages.find((m) => this.refuse.has(m.id));
          if (refused) return reject(this.refuse.get(refused.id));
          const insertedIds = new Set<string>();
          for (const m of messages) {
            const key = m.eventId === null ? m.id : `${m.appId}/${m.eventId}`;
            if (this.stored.has(key)) continue;
            this.stored.add(key);
            insertedIds.add(m.id);
          }
          resolve({
            insertedIds,
            deliveriesCreated: deliveries.filter((d) => insertedIds.has(d.messageId)).length,
          });
        },
        fail: reject,
      };
      this.statements.push(statement);
      if (this.autoCommit) statement.commit();
    });
  }

  sizes(): number[] {
    return this.statements.map((s) => s.messages.length);
  }
}

let sequence = 0;
function aPendingIngest(overrides: Partial<NewMessageRow> = {}, endpoints = 1): PendingIngest {
  const id = `msg_${++sequence}`;
  return {
    message: {
      id,
      appId: 'app_1',
      createdAt: new Date(0),
      eventType: 'order.created',
      eventId: null,
      orderingKey: null,
      payloadText: '{}',
      traceContext: null,
      ...overrides,
    },
    deliveries: Array.from({ length: endpoints }, (_, i) => ({
      id: `dlv_${sequence}_${i}`,
      messageId: id,
      endpointId: `ep_${i}`,
      ordered: false,
    })),
  };
}

/** An error as pg reports a PostgreSQL error: `code` is the SQLSTATE. */
function pgError(code: string, message = `SQLSTATE ${code}`): Error {
  return Object.assign(new Error(message), { code });
}
const FOREIGN_KEY_VIOLATION = '23503';

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function tracked<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done, promise };
}

describe('MessageIngestCoalescer', () => {
  let writer: FakeWriter;
  const create = (options: Partial<IngestCoalescingOptions> = {}) =>
    new MessageIngestCoalescer(writer, { maxGroupSize: 500, maxGroupsInFlight: 1, ...options });
  beforeEach(() => {
    writer = new FakeWriter();
  });

  describe('grouping', () => {
    it('writes a lone message at once, in a statement of its own', () => {
      const sut = create();
      const pending = aPendingIngest({}, 2);
      void sut.submit(pending);
      expect(writer.statements).toHaveLength(1);
      expect(writer.statements[0].messages).toEqual([pending.message]);
      expect(writer.statements[0].deliveries).toEqual(pending.deliveries);
    });

    it('sends the messages that arrived during a statement together in the next one', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      for (let i = 0; i < 5; i++) void sut.submit(aPendingIngest());
      expect(writer.sizes()).toEqual([1]);
      writer.statements[0].commit();
      await settle();
      expect(writer.sizes()).toEqual([1, 5]);
    });

    it('puts at most maxGroupSize messages in one statement', async () => {
      const sut = create({ maxGroupSize: 3 });
      for (let i = 0; i < 8; i++) void sut.submit(aPendingIngest());
      writer.statements[0].commit();
      await settle();
      writer.statements[1].commit();
      await settle();
      writer.statements[2].commit();
      await settle();
      expect(writer.sizes()).toEqual([1, 3, 3, 1]);
    });

    it('keeps at most maxGroupsInFlight statements running', async () => {
      const sut = create({ maxGroupsInFlight: 2 });
      for (let i = 0; i < 6; i++) void sut.submit(aPendingIngest());
      expect(writer.sizes()).toEqual([1, 1]);
      writer.statements[1].commit();
      await settle();
      expect(writer.sizes()).toEqual([1, 1, 4]);
    });
  });

  describe('durability', () => {
    it('settles a message only once the statement holding it has committed', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const queued = tracked(sut.submit(aPendingIngest({}, 3)));
      writer.statements[0].commit();
      await settle();
      expect(queued.settled()).toBe(false);
      writer.statements[1].commit();
      expect(await queued.promise).toEqual({
        insertedIds: new Set([writer.statements[1].messages[0].id]),
        deliveriesCreated: 3,
      });
    });

    it('reports a stored repeat as not inserted, with no deliveries', async () => {
      writer.autoCommit = true;
      const sut = create();
      await sut.submit(aPendingIngest({ eventId: 'e-1' }));
      expect(await sut.submit(aPendingIngest({ eventId: 'e-1' }))).toEqual({
        insertedIds: new Set(),
        deliveriesCreated: 0,
      });
    });

    it('drains: resolves once everything queued and in flight has been written', async () => {
      const sut = create();
      const answers = [sut.submit(aPendingIngest()), sut.submit(aPendingIngest())];
      const drained = tracked(sut.drain());
      writer.statements[0].commit();
      await settle();
      expect(drained.settled()).toBe(false);
      writer.statements[1].commit();
      await drained.promise;
      await expect(Promise.all(answers)).resolves.toHaveLength(2);
    });
  });

  describe('repeats of an (app, eventId) in one group', () => {
    it('writes the first and answers the later ones "not inserted"', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const first = sut.submit(aPendingIngest({ eventId: 'same' }));
      const later = sut.submit(aPendingIngest({ eventId: 'same' }));
      writer.statements[0].commit();
      await settle();
      writer.statements[1].commit();
      expect(writer.statements[1].messages.map((m) => m.eventId)).toEqual(['same']);
      expect((await first).insertedIds.size).toBe(1);
      expect(await later).toEqual({ insertedIds: new Set(), deliveriesCreated: 0 });
    });

    it('writes the same eventId of two apps', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      void sut.submit(aPendingIngest({ appId: 'app_1', eventId: 'same' }));
      void sut.submit(aPendingIngest({ appId: 'app_2', eventId: 'same' }));
      writer.statements[0].commit();
      await settle();
      expect(writer.statements[1].messages.map((m) => m.appId)).toEqual(['app_1', 'app_2']);
    });
  });

  describe('a group statement that fails', () => {
    it('retries its halves down to the guilty message, which alone gets its error', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const innocent = [aPendingIngest(), aPendingIngest()];
      const guilty = aPendingIngest({ appId: 'app_deleted' });
      const refusal = pgError(FOREIGN_KEY_VIOLATION, 'foreign key violation');
      writer.refuse.set(guilty.message.id, refusal);
      const answers = Promise.allSettled([
        sut.submit(innocent[0]),
        sut.submit(guilty),
        sut.submit(innocent[1]),
      ]);
      writer.autoCommit = true;
      writer.statements[0].commit();
      const [a, b, c] = await answers;
      expect(writer.statements.slice(1).map((st) => st.messages.map((m) => m.id))).toEqual([
        [innocent[0].message.id, guilty.message.id, innocent[1].message.id],
        [innocent[0].message.id, guilty.message.id],
        [innocent[0].message.id],
        [guilty.message.id],
        [innocent[1].message.id],
      ]);
      expect(a).toEqual({
        status: 'fulfilled',
        value: { insertedIds: new Set([innocent[0].message.id]), deliveriesCreated: 1 },
      });
      expect(b).toEqual({ status: 'rejected', reason: refusal });
      expect(c).toEqual({
        status: 'fulfilled',
        value: { insertedIds: new Set([innocent[1].message.id]), deliveriesCreated: 1 },
      });
    });

    it('finds one guilty message among many in a few statements', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const group = Array.from({ length: 64 }, () => aPendingIngest());
      writer.refuse.set(group[41].message.id, pgError(FOREIGN_KEY_VIOLATION, 'refused'));
      const answers = Promise.allSettled(group.map((pending) => sut.submit(pending)));
      writer.autoCommit = true;
      writer.statements[0].commit();
      const settled = await answers;
      expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(settled[41].status).toBe('rejected');
      expect(writer.stored.size).toBe(1 + 63);
      expect(writer.statements.length).toBeLessThanOrEqual(2 + 2 * Math.log2(64));
    });

    it('gives every member its own error when each fails alone too', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const answers = Promise.allSettled([
        sut.submit(aPendingIngest()),
        sut.submit(aPendingIngest()),
      ]);
      writer.statements[0].commit();
      await settle();
      writer.statements[1].fail(pgError('22021', 'invalid byte sequence'));
      await settle();
      writer.statements[2].fail(pgError('22021', 'first alone'));
      await settle();
      writer.statements[3].fail(pgError('23505', 'second alone'));
      expect(
        (await answers).map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ).toEqual(['first alone', 'second alone']);
    });

    it('rejects a lone member with the error at once, without retrying', async () => {
      const sut = create();
      const answer = sut.submit(aPendingIngest());
      writer.statements[0].fail(new Error('refused'));
      await expect(answer).rejects.toThrow('refused');
      expect(writer.statements).toHaveLength(1);
    });

    it('retries a repeat after its original, which then answers for it', async () => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const original = sut.submit(aPendingIngest({ eventId: 'k' }));
      const repeat = sut.submit(aPendingIngest({ eventId: 'k' }));
      const guilty = aPendingIngest();
      writer.refuse.set(guilty.message.id, pgError(FOREIGN_KEY_VIOLATION, 'refused'));
      void sut.submit(guilty).catch(() => undefined);
      writer.autoCommit = true;
      writer.statements[0].commit();
      expect((await original).insertedIds.size).toBe(1);
      expect((await repeat).insertedIds.size).toBe(0);
    });

    it('goes on with the queue after a failure', async () => {
      writer.autoCommit = true;
      const sut = create();
      const doomed = aPendingIngest();
      writer.refuse.set(doomed.message.id, pgError(FOREIGN_KEY_VIOLATION, 'refused'));
      await expect(sut.submit(doomed)).rejects.toThrow('refused');
      expect((await sut.submit(aPendingIngest())).insertedIds.size).toBe(1);
    });
  });

  describe('a group statement that fails for a reason no single message causes', () => {
    it.each([
      ['a connection exception (08006)', pgError('08006', 'connection failure')],
      ['an admin shutdown (57P01)', pgError('57P01', 'terminating connection')],
      ['too many connections (53300)', pgError('53300', 'too many clients')],
      [
        'a socket error',
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ],
      ['an error without a code', new Error('timeout exceeded when trying to connect')],
    ])('fails every member at once with %s, in one statement', async (_case, outage) => {
      const sut = create();
      void sut.submit(aPendingIngest());
      const group = Array.from({ length: 8 }, () => aPendingIngest());
      const original = aPendingIngest({ eventId: 'k' });
      const repeat = aPendingIngest({ eventId: 'k' });
      const answers = Promise.allSettled(
        [...group, original, repeat].map((pending) => sut.submit(pending)),
      );
      writer.statements[0].commit();
      await settle();
      writer.autoCommit = true; // a retried half would commit: only no retry keeps them failed
      writer.statements[1].fail(outage);
      const settled = await answers;
      expect(settled.every((r) => r.status === 'rejected' && r.reason === outage)).toBe(true);
      expect(writer.statements).toHaveLength(2);
    });

    it('goes on with the queue once the database answers again', async () => {
      const sut = create();
      const lost = sut.submit(aPendingIngest());
      writer.statements[0].fail(pgError('08006'));
      await expect(lost).rejects.toMatchObject({ code: '08006' });
      writer.autoCommit = true;
      expect((await sut.submit(aPendingIngest())).insertedIds.size).toBe(1);
    });
  });
});

describe('mayBeOneMessagesFault', () => {
  it.each([
    ['a foreign-key violation', pgError('23503'), true],
    ['a unique violation', pgError('23505'), true],
    ['a data exception', pgError('22021'), true],
    ['a string too long', pgError('22001'), true],
    ['a connection exception', pgError('08006'), false],
    ['a server shutdown', pgError('57P01'), false],
    ['a cancelled statement', pgError('57014'), false],
    ['insufficient resources', pgError('53300'), false],
    ['an exception raised by a row trigger', pgError('P0001'), true],
    ['a syntax error (a bug, in every half)', pgError('42601'), false],
    ['a deadlock', pgError('40P01'), false],
    ['a disk failure', pgError('58030'), false],
    ['a socket error', Object.assign(new Error('x'), { code: 'ECONNRESET' }), false],
    ['an error without a code', new Error('Connection terminated unexpectedly'), false],
    ['not an error', null, false],
  ])('%s → %s', (_case, err, expected) => {
    expect(mayBeOneMessagesFault(err)).toBe(expected);
  });
});
