import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { generateSigningSecret } from '../../common/signing-secret';
import { loadConfig } from '../../config/app-config';
import { SignatureSigner } from '../signing/signature-signer';
import type { ClaimedDelivery } from '../../queue/delivery-types';
import type { EndpointDeliveryConfig } from './endpoint-config';
import { NO_TRACING } from '../../tracing/tracing';
import { DeliverySender } from './delivery-sender';

const TIMEOUT_MS = 1000;
/** Lateness allowed past the deadline (sweep period, a loaded machine); undici alone would take 60 s. */
const SLACK_MS = 1000;

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** Writes `chunk` every `everyMs` until the client goes away: a receiver that never finishes. */
function trickle(res: ServerResponse, everyMs: number): void {
  const timer = setInterval(() => res.write('.'), everyMs);
  res.on('close', () => clearInterval(timer));
}

const delivery: ClaimedDelivery = {
  id: 'dlv_test',
  appId: 'app_test',
  messageId: 'msg_test',
  endpointId: 'ep_test',
  attempts: 0,
  firstAttemptAt: null,
  retryWindowStart: null,
  retryScheduleBase: 0,
  leaseUntil: new Date(Date.now() + 60_000),
  eventType: 'invoice.paid',
  payload: '{"n":1}',
  messageCreatedAt: new Date(),
  endpointUpdatedAt: new Date(),
  endpointDisabled: false,
  endpointDeleted: false,
  traceContext: null,
  fifo: null,
  bodyShape: '{}',
};

describe('DeliverySender', () => {
  let server: Server;
  let answer: Answer;
  let agent: Agent;
  let sut: DeliverySender;
  let endpoint: EndpointDeliveryConfig;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const url = new URL(`http://127.0.0.1:${port}/hook`);
    const secret = generateSigningSecret();
    endpoint = {
      id: 'ep_test',
      appId: 'app_test',
      url,
      origin: url.origin,
      path: url.pathname,
      baseHeaderList: ['content-type', 'application/json'],
      currentSecret: secret,
      signer: new SignatureSigner([secret]),
      rotationSigner: null,
      previousSecretExpiresAt: null,
      signatureHeader: null,
      sendTraceContext: false,
      retrySchedule: null,
      updatedAt: 0,
    };
    // undici's own body timeout restarts with every chunk; it is set long here so only the
    // sender's deadline can end a trickling exchange.
    agent = new Agent({ headersTimeout: 60_000, bodyTimeout: 60_000 });
    sut = new DeliverySender(
      { next: () => agent, assertAllowed: () => undefined },
      loadConfig({ DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS) }),
      NO_TRACING,
    );
  });
  afterAll(async () => {
    sut.onApplicationShutdown();
    await agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = () => sut.send(delivery, endpoint, new Date(), new AbortController().signal);

  it('succeeds on a 2xx with a complete body', async () => {
    answer = (_req, res) => res.writeHead(200).end('ok');
    expect(await send()).toMatchObject({ succeeded: true, statusCode: 200, responseBody: 'ok' });
  });

  it('times out a receiver that sends no head, within the deadline', async () => {
    answer = () => undefined;
    const result = await send();
    expect(result).toMatchObject({ succeeded: false, errorClass: 'timeout', statusCode: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('times out an error status whose body trickles past the deadline', async () => {
    answer = (_req, res) => {
      res.writeHead(500);
      trickle(res, 20);
    };
    const result = await send();
    expect(result).toMatchObject({ succeeded: false, errorClass: 'timeout' });
    expect(result.error).toMatch(/delivery timeout \(1000 ms\)/);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('counts a 2xx whose body trickles past the deadline as succeeded (accepted; a retry would duplicate)', async () => {
    answer = (_req, res) => {
      res.writeHead(200);
      res.write('accepted');
      trickle(res, 20);
    };
    const result = await send();
    expect(result).toMatchObject({ succeeded: true, statusCode: 200, errorClass: null });
    expect(result.responseBody).toMatch(/^accepted/);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('counts a 2xx whose body is cut off as succeeded', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.destroy());
    };
    expect(await send()).toMatchObject({ succeeded: true, statusCode: 200 });
  });

  it('keeps sending after a deadline: the sweep stops and restarts with the traffic', async () => {
    answer = () => undefined;
    await send();
    answer = (_req, res) => res.writeHead(204).end();
    expect(await send()).toMatchObject({ succeeded: true, statusCode: 204 });
  });
});
