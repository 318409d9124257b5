import { createApp } from './support/builders';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

interface Problem {
  code: string;
  details: Array<{ field: string }>;
}

/** An address as a URL host: IPv6 in brackets. */
const urlOf = (address: string): string =>
  address.includes(':') ? `http://[${address}]/hook` : `http://${address}/hook`;

/**
 * The addresses of src/egress/ssrf/address-policy.spec.ts that can stand in a URL, so the
 * whole table is checked through the API and not only the policy function.
 */
const FORBIDDEN_ADDRESSES = [
  // IPv4
  '0.0.0.0',
  '0.1.2.3',
  '127.0.0.1',
  '127.255.255.254',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '169.254.0.1',
  '100.64.0.1',
  '100.127.255.255',
  '192.0.0.192',
  '192.0.2.10',
  '198.51.100.7',
  '203.0.113.99',
  '198.18.0.1',
  '198.19.255.255',
  '192.88.99.1',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // IPv6
  '::',
  '::1',
  '0:0:0:0:0:0:0:1',
  'fc00::1',
  'fd00:ec2::254',
  'fe80::1',
  'febf:ffff::1',
  'fec0::1',
  'ff02::1',
  '100::1',
  '2001:db8::1',
  '3fff::1',
  '2001:2::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '::7f00:1',
  '64:ff9b:1::a00:1',
  // IPv6 embedding a forbidden IPv4
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:169.254.169.254',
  '::ffff:10.1.2.3',
  '::ffff:0:10.1.2.3',
  '64:ff9b::127.0.0.1',
  '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::',
  '2002:c0a8:101::1',
];

/** Spellings WHATWG URL parsing turns into a forbidden address before the policy sees it. */
const FORBIDDEN_SPELLINGS: Array<[string, string]> = [
  ['decimal IPv4', 'http://2130706433/'],
  ['hexadecimal IPv4', 'http://0x7f.0.0.1/'],
  ['octal IPv4', 'http://0177.0.0.1/'],
  ['short-form IPv4', 'http://127.1/'],
  ['mixed-radix IPv4', 'http://0x7f.000.0x0.01/'],
  ['IPv4 with a trailing dot', 'http://127.0.0.1./'],
  ['IPv4 with a port', 'http://127.0.0.1:8080/'],
  ['long-form IPv6 loopback', 'http://[0:0:0:0:0:0:0:1]/'],
  ['upper-case IPv4-mapped IPv6', 'http://[::FFFF:7F00:1]/'],
  ['cloud metadata in decimal', 'http://2852039166/'],
  ['cloud metadata in hexadecimal', 'http://0xa9fea9fe/latest/meta-data/'],
  ['the unspecified address as 0', 'http://0/'],
  ['the unspecified IPv6 address', 'http://[::]/'],
  ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/'],
];

const PUBLIC_URLS = [
  'http://8.8.8.8/hook',
  'https://1.1.1.1/hook',
  'http://100.63.255.255/',
  'http://100.128.0.0/',
  'http://172.15.255.255/',
  'http://172.32.0.0/',
  'http://192.167.255.255/',
  'http://169.253.255.255/',
  'http://198.17.255.255/',
  'http://198.20.0.0/',
  'http://223.255.255.255/',
  'http://134744072/',
  'http://[2606:4700:4700::1111]/',
  'http://[2001:4860:4860::8888]/',
  'http://[::ffff:8.8.8.8]/',
  'http://[64:ff9b::808:808]/',
  'http://[2002:808:808::1]/',
  'https://hooks.example.com/hook',
];

describe('SSRF guard, through the API, without private networks', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' } });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  const createEndpointAt = (url: string) =>
    sut.api.post<Problem>(`/api/v1/apps/${appId}/endpoints`, { url });

  describe('POST /endpoints refuses a forbidden address with 422 forbidden_address', () => {
    it.each(FORBIDDEN_ADDRESSES.map((address) => [address, urlOf(address)]))(
      '%s',
      async (_address, url) => {
        const res = await createEndpointAt(url);

        expect({
          status: res.status,
          code: res.body.code,
          field: res.body.details?.[0]?.field,
        }).toEqual({ status: 422, code: 'forbidden_address', field: 'url' });
      },
    );

    it.each(FORBIDDEN_SPELLINGS)('%s: %s', async (_spelling, url) => {
      const res = await createEndpointAt(url);

      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 422,
        code: 'forbidden_address',
      });
    });
  });

  describe('POST /endpoints accepts a public address', () => {
    it.each(PUBLIC_URLS)('%s', async (url) => {
      expect((await createEndpointAt(url)).status).toBe(201);
    });
  });

  describe('a delivery to a hostname that resolves to loopback', () => {
    let receiver: TestReceiver;

    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(() => receiver.close());

    it('is accepted at creation (names are resolved at connect time), then fails blocked, once, unsent', async () => {
      // An app of its own: the endpoints above must never be sent anything.
      const probeAppId = (await createApp(sut.api)).id;
      const endpoint = await sut.api.post<{ id: string }>(`/api/v1/apps/${probeAppId}/endpoints`, {
        url: `http://localhost:${receiver.port}/hook`,
        eventTypes: ['ssrf.probe'],
      });
      const message = await sut.api.post<{ id: string }>(`/api/v1/apps/${probeAppId}/messages`, {
        eventType: 'ssrf.probe',
        payload: { probe: true },
      });
      const messagePath = `/api/v1/apps/${probeAppId}/messages/${message.body.id}`;

      const delivery = await eventually(async () => {
        const res = await sut.api.get<{ data: Array<Record<string, unknown>> }>(
          `${messagePath}/deliveries`,
        );
        return res.body.data.find((d) => d.status === 'failed');
      });
      const attempts = await sut.api.get<{ data: Array<Record<string, unknown>> }>(
        `${messagePath}/attempts`,
      );

      expect({
        created: endpoint.status,
        accepted: message.status,
        delivery: {
          status: delivery.status,
          attempts: delivery.attempts,
          next: delivery.nextAttemptAt,
        },
        attempts: attempts.body.data.map((a) => ({
          succeeded: a.succeeded,
          errorClass: a.errorClass,
        })),
        received: receiver.requests.length,
      }).toEqual({
        created: 201,
        accepted: 202,
        delivery: { status: 'failed', attempts: 1, next: null },
        attempts: [{ succeeded: false, errorClass: 'blocked' }],
        received: 0,
      });
    });
  });
});
