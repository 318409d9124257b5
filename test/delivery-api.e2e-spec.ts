import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import { attemptRows, deliveryRow, enqueueMessages, settledStatus } from './support/queue-probe';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

type Page<T> = { data: T[]; nextCursor: string | null };
type Delivery = {
  id: string;
  status: string;
  attempts: number;
  endpointId: string;
  lastStatusCode: number | null;
};
type Attempt = {
  id: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  responseBody: string | null;
};

describe('Delivery API', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;
  let appId: string;
  let answer = 500;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { WORKER_SWEEP_INTERVAL_MS: '100' } });
    receiver = await startReceiver(() => ({ status: answer, body: `answer ${answer}` }));
    appId = await insertApp(sut.db, new Date());
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  async function failedDelivery(): Promise<{
    endpointId: string;
    messageId: string;
    deliveryId: string;
  }> {
    answer = 500;
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: receiver.url,
      retrySchedule: [],
    });
    const { messageIds, deliveryIds } = await enqueueMessages(
      sut.db,
      appId,
      endpoint.id,
      new Date(),
    );
    await settledStatus(sut.db, deliveryIds[0], 'failed');
    return { endpointId: endpoint.id, messageId: messageIds[0], deliveryId: deliveryIds[0] };
  }

  it("lists a message's deliveries with their state", async () => {
    const { messageId, deliveryId, endpointId } = await failedDelivery();
    const res = await sut.api.get<Page<Delivery>>(
      `/api/v1/apps/${appId}/messages/${messageId}/deliveries`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: deliveryId,
        endpointId,
        status: 'failed',
        attempts: 1,
        lastStatusCode: 500,
      }),
    ]);
  });

  it('retries a failed delivery at once and records the new attempt', async () => {
    const { messageId, deliveryId } = await failedDelivery();
    answer = 200;
    const res = await sut.api.post(`/api/v1/apps/${appId}/deliveries/${deliveryId}/retry`);
    expect(res.status).toBe(202);
    await settledStatus(sut.db, deliveryId, 'succeeded');
    const attempts = await sut.api.get<Page<Attempt>>(
      `/api/v1/apps/${appId}/messages/${messageId}/attempts`,
    );
    expect(attempts.body.data.map((a) => [a.attempt, a.succeeded, a.statusCode])).toEqual([
      [2, true, 200],
      [1, false, 500],
    ]);
  });

  it('retries a succeeded delivery too (send again)', async () => {
    answer = 200;
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url: receiver.url });
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date());
    await settledStatus(sut.db, deliveryIds[0], 'succeeded');
    expect(
      (await sut.api.post(`/api/v1/apps/${appId}/deliveries/${deliveryIds[0]}/retry`)).status,
    ).toBe(202);
    await eventually(async () => (await attemptRows(sut.db, deliveryIds[0])).length === 2);
  });

  describe('on a disabled endpoint (nothing would ever be sent)', () => {
    it('refuses to retry a delivery: 409 endpoint_disabled, the delivery untouched', async () => {
      const { endpointId, deliveryId } = await failedDelivery();
      await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpointId}`, { disabled: true });
      const res = await sut.api.post<{ code: string; message: string }>(
        `/api/v1/apps/${appId}/deliveries/${deliveryId}/retry`,
      );
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('endpoint_disabled');
      expect(res.body.message).toMatch(new RegExp(`endpoint "${endpointId}" is disabled`));
      expect((await deliveryRow(sut.db, deliveryId)).status).toBe('failed');
    });

    it('refuses to recover: 409 endpoint_disabled, nothing re-queued', async () => {
      const before = new Date(Date.now() - 1000);
      const { endpointId, deliveryId } = await failedDelivery();
      await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpointId}`, { disabled: true });
      const res = await sut.api.post<{ code: string }>(
        `/api/v1/apps/${appId}/endpoints/${endpointId}/recover`,
        { since: before.toISOString() },
      );
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('endpoint_disabled');
      expect((await deliveryRow(sut.db, deliveryId)).status).toBe('failed');
    });
  });

  it('answers 404 for an unknown delivery and an unknown app', async () => {
    expect(
      (await sut.api.post(`/api/v1/apps/${appId}/deliveries/dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D/retry`))
        .status,
    ).toBe(404);
    expect(
      (await sut.api.post(`/api/v1/apps/nope/deliveries/dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D/retry`))
        .status,
    ).toBe(404);
  });

  it("recovers an endpoint's failed deliveries created since a time", async () => {
    const before = new Date(Date.now() - 1000);
    const { endpointId, deliveryId } = await failedDelivery();
    answer = 200;
    const res = await sut.api.post(`/api/v1/apps/${appId}/endpoints/${endpointId}/recover`, {
      since: before.toISOString(),
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ requeued: 1 });
    await settledStatus(sut.db, deliveryId, 'succeeded');
  });

  it('recovers nothing created before `since`', async () => {
    const { endpointId, deliveryId } = await failedDelivery();
    const res = await sut.api.post(`/api/v1/apps/${appId}/endpoints/${endpointId}/recover`, {
      since: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(res.body).toEqual({ requeued: 0 });
    expect((await deliveryRow(sut.db, deliveryId)).status).toBe('failed');
  });

  it.each([
    ['a missing since', {}],
    ['a since that is not a time', { since: 'yesterday' }],
  ])('rejects recover with %s (422 naming since)', async (_case, body) => {
    const { endpointId } = await failedDelivery();
    const res = await sut.api.post<{ details: Array<{ field: string }> }>(
      `/api/v1/apps/${appId}/endpoints/${endpointId}/recover`,
      body,
    );
    expect(res.status).toBe(422);
    expect(res.body.details.map((d) => d.field)).toContain('since');
  });

  it('lists endpoint attempts newest first, filtered by outcome and paginated', async () => {
    answer = 500;
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), {
      url: receiver.url,
      retrySchedule: [],
    });
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, new Date(), 3);
    for (const id of deliveryIds) await settledStatus(sut.db, id, 'failed');
    answer = 200;
    const ok = await enqueueMessages(sut.db, appId, endpoint.id, new Date(), 1);
    await settledStatus(sut.db, ok.deliveryIds[0], 'succeeded');

    const base = `/api/v1/apps/${appId}/endpoints/${endpoint.id}/attempts`;
    const failed = await sut.api.get<Page<Attempt>>(`${base}?status=failed&limit=2`);
    expect(failed.body.data).toHaveLength(2);
    expect(failed.body.data.every((a) => !a.succeeded && a.errorClass === 'status')).toBe(true);
    const rest = await sut.api.get<Page<Attempt>>(
      `${base}?status=failed&limit=2&cursor=${failed.body.nextCursor}`,
    );
    expect(rest.body.data).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    const all = [...failed.body.data, ...rest.body.data].map((a) => a.id);
    expect(all).toEqual([...all].sort().reverse());
    const succeeded = await sut.api.get<Page<Attempt>>(`${base}?status=succeeded`);
    expect(succeeded.body.data.map((a) => a.statusCode)).toEqual([200]);
    expect((await sut.api.get(`${base}?status=maybe`)).status).toBe(422);
  });
});
