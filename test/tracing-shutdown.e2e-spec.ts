import { ApiClient } from './support/api-client';
import { createApp } from './support/builders';
import { eventually } from './support/eventually';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector';
import { startServiceProcess, type ServiceProcess } from './support/service-process';
import { TEST_ADMIN_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * `node dist/main.js` (run `npm run build` first) with an export delay far longer than the
 * test: the ingest span can only reach the collector through the flush on SIGTERM.
 */
describe('Tracing at shutdown', () => {
  let database: TestDatabase;
  let collector: OtlpCollector;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    collector = await startOtlpCollector();
  });
  afterAll(async () => {
    if (service) await service.stop('SIGKILL');
    await collector.close();
    await database.drop();
  });

  it('exports the spans still buffered when the process gets SIGTERM', async () => {
    service = await startServiceProcess({
      role: 'all',
      databaseUrl: database.url,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    const api = new ApiClient(service.baseUrl, TEST_ADMIN_KEY);
    const appId = (await createApp(api)).id;
    const res = await api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'order.paid',
      payload: {},
    });
    expect(res.status).toBe(202);
    expect(collector.spans).toHaveLength(0);

    const exit = await service.stop('SIGTERM');

    expect(exit.code).toBe(0);
    const ingest = await eventually(
      async () => collector.spans.find((s) => s.attributes['hookrelay.message.id'] === res.body.id),
      5_000,
      'the ingest span',
    );
    expect(ingest.attributes['hookrelay.app.id']).toBe(appId);
  });
});
