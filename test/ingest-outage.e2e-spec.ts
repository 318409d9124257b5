import { createServer, connect, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { DATABASE_CONNECT_TIMEOUT_MS } from '../src/database/database.module';
import { createApp } from './support/builders';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type Answer = { id: string; code: string; message: string; errorId?: string };

/**
 * A TCP proxy between the app and PostgreSQL that the test can cut: a real outage (refused or
 * unanswered connections, dropped sessions) without touching the shared server.
 */
class DatabaseLink {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private mode: 'forward' | 'silent' = 'forward';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.mode = 'forward';
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Drops every session; new connections are refused. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropSessions();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Drops every session; new connections are accepted but never answered (a black hole). */
  silence(): void {
    this.mode = 'silent';
    this.dropSessions();
  }

  async restore(): Promise<void> {
    if (this.server) this.mode = 'forward';
    else await this.open();
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'silent') return;
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private dropSessions(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}

describe('Ingestion while the database is unreachable', () => {
  let database: TestDatabase;
  let link: DatabaseLink;
  let sut: TestApp;
  let direct: Pool;
  let appId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const real = new URL(database.url);
    link = new DatabaseLink({ host: real.hostname, port: Number(real.port || 5432) });
    await link.open();
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(link.port);
    sut = await startTestApp({
      database: { ...database, url: proxied.toString() },
      env: { ROLE: 'api' },
    });
    direct = new Pool({ connectionString: database.url, max: 2 });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(async () => {
    await link.restore();
    await sut.close();
    await link.refuse();
    await direct.end();
    await database.drop();
  });
  afterEach(() => link.restore());

  const send = (eventId: string) =>
    sut.api.post<Answer>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'outage.test',
      payload: {},
      eventId,
    });
  const stored = async (): Promise<number> =>
    Number((await direct.query('SELECT count(*) FROM message')).rows[0].count);

  it('answers 503 with an error id at once while connections are refused, single and batch', async () => {
    expect((await send('before')).status).toBe(202);
    await link.refuse();
    const started = Date.now();
    const [single, batch] = await Promise.all([
      send('refused'),
      sut.api.post<Answer>(`/api/v1/apps/${appId}/messages/batch`, {
        messages: [{ eventType: 'outage.test', payload: {} }],
      }),
    ]);
    for (const res of [single, batch]) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'database_unavailable',
        errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(res.body.message).toContain(res.body.errorId);
    }
    expect(Date.now() - started).toBeLessThan(DATABASE_CONNECT_TIMEOUT_MS);
  });

  it('fails every concurrent request of a group with 503, and recovers when the database is back', async () => {
    await link.refuse();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`group-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 503));
    const before = await stored();
    await link.restore();
    expect((await send('after')).status).toBe(202);
    expect(await stored()).toBe(before + 1);
  });

  it(
    'answers 503 after the connect timeout, not never, while the database does not answer',
    async () => {
      link.silence();
      // Let the pools discard the sessions just dropped: what follows needs new connections.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      const res = await send('silent');
      const waited = Date.now() - started;
      expect([res.status, res.body.code]).toEqual([503, 'database_unavailable']);
      expect(waited).toBeGreaterThanOrEqual(DATABASE_CONNECT_TIMEOUT_MS - 500);
      expect(waited).toBeLessThan(DATABASE_CONNECT_TIMEOUT_MS + 10_000);
    },
    DATABASE_CONNECT_TIMEOUT_MS + 30_000,
  );
});
