import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from '../src/common/logging/json-logger';
import { loadConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { eventually } from './support/eventually';
import { ApiClient } from './support/api-client';
import { createApp, createEndpoint } from './support/builders';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector';
import { startReceiver, type TestReceiver } from './support/receiver';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const PRODUCER_TRACE = '0af7651916cd43dd8448eb211c80319c';

interface LogLine {
  context?: string;
  msg?: string;
  [key: string]: unknown;
}

/** The real app (ROLE=all) with a JsonLogger writing into memory and tracing on. */
describe('Log lines with tracing on', () => {
  let database: TestDatabase;
  let collector: OtlpCollector;
  let receiver: TestReceiver;
  let app: NestFastifyApplication;
  let api: ApiClient;
  const written: string[] = [];
  const lines = () => written.map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    database = await createTestDatabase();
    collector = await startOtlpCollector();
    receiver = await startReceiver(() => ({ status: 500 }));
    const config = loadConfig({
      ROLE: 'all',
      DATABASE_URL: database.url,
      ADMIN_API_KEYS: TEST_ADMIN_KEY,
      SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      DATABASE_POOL_SIZE: '4',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      HTTP_LOG_REQUESTS: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    app = await createHttpApp({
      config,
      databaseUrl: database.url,
      keys: {
        adminApiKeys: config.ADMIN_API_KEYS,
        encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
      },
      logger: new JsonLogger('debug', { write: (chunk: string) => void written.push(chunk) }),
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    api = new ApiClient(`http://127.0.0.1:${port}`, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
    await collector.close();
    await database.drop();
  });

  it("carry the trace id on the request's line and on the attempt's failure line", async () => {
    const appId = (await createApp(api)).id;
    await createEndpoint(api, appId, { url: `${receiver.url}/failing` });
    const res = await api.post<{ id: string }>(
      `/api/v1/apps/${appId}/messages`,
      { eventType: 'order.paid', payload: {} },
      { traceparent: `00-${PRODUCER_TRACE}-b7ad6b7169203331-01`, 'x-request-id': 'traced-1' },
    );
    expect(res.status).toBe(202);

    const attemptLine = await eventually(
      async () => lines().find((l) => l.msg === 'delivery attempt failed; will retry'),
      15_000,
      'the attempt failure line',
    );
    const requestLine = lines().find((l) => l.requestId === 'traced-1');
    expect(requestLine?.traceId).toBe(PRODUCER_TRACE);
    expect(attemptLine.traceId).toBe(PRODUCER_TRACE);
  });

  it('leave traceId out of the lines of untraced routes', async () => {
    await api.get('/api/v1/apps', { 'x-request-id': 'untraced-1' });
    await eventually(async () => lines().some((l) => l.requestId === 'untraced-1'));
    expect(lines().find((l) => l.requestId === 'untraced-1')).not.toHaveProperty('traceId');
  });
});
