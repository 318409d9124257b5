import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { request } from 'undici';
import { eventually } from './support/eventually';
import { deliveriesOf, settledStatus } from './support/queue-probe';
import { createApp, createEndpoint } from './support/builders';
import { freePort } from './support/service-process';
import { startTestAppWithDatabase, type TestApp } from './support/test-app';

/** Jest runs from the repository root (see compose.e2e-spec.ts). */
const ROOT = process.cwd();

/**
 * The README's "Receiving webhooks" example, run as the README says (compiled from
 * examples/receiver.ts, as `npm run example:receiver` does), receiving real deliveries.
 */
describe('examples/receiver.ts', () => {
  let sut: TestApp;
  let receiver: ChildProcess;
  let output = '';
  let url: string;
  let appId: string;
  let secret: string;

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.examples.json'],
      {
        cwd: ROOT,
      },
    );
    sut = await startTestAppWithDatabase();
    appId = (await createApp(sut.api)).id;
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhooks`;
    const endpoint = await createEndpoint(sut.api, appId, { url });
    secret = (
      await sut.api.get<{ key: string }>(`/api/v1/apps/${appId}/endpoints/${endpoint.id}/secret`)
    ).body.key;
    receiver = spawn(process.execPath, [join(ROOT, 'dist-examples/receiver.js')], {
      env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    receiver.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    while (!output.includes('listening')) await once(receiver.stdout!, 'data');
  }, 60_000);
  afterAll(async () => {
    receiver?.kill('SIGTERM');
    await sut?.close();
  });

  it('verifies a real delivery, answers 204 and reports it once', async () => {
    const res = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'user.subscription.renewed',
      payload: { userId: '42' },
    });
    const [delivery] = await deliveriesOf(sut.db, { messageIds: [res.body.id] });

    const settled = await settledStatus(sut.db, delivery.id, 'succeeded');

    expect(settled).toMatchObject({ last_status_code: 204, attempts: 1 });
    // Once: one attempt, and the receiver printed its line exactly one time.
    const line = `received user.subscription.renewed ${res.body.id}\n`;
    await eventually(async () => output.includes(line), 10_000, 'the receiver to report it');
    expect(output.split(line).length - 1).toBe(1);
  });

  it('refuses a request whose signature does not verify', async () => {
    const forged = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body: '{"id":"msg_forged","type":"user.subscription.renewed","data":{}}',
    });
    await forged.body.dump();

    expect(forged.statusCode).toBe(401);
    expect(output).not.toContain('msg_forged');
  });
});
