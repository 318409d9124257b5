import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { PortalTokenSigner } from '../../src/auth/credentials/portal-token';
import { ApiClient } from '../support/api-client';
import { startReceiver, type TestReceiver } from '../support/receiver';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';
import { TEST_ADMIN_KEY } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { findChromium } from './chromium';
import { refreshUntil, SCREENSHOT_DIR } from './console-page';

const STEP_MS = 120_000;
const lookup = findChromium();
const SIGNING_KEY = randomBytes(32);
const LOGO_URL = 'https://logo.portal-test.example/acme.svg';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="28"><rect width="56" height="28" rx="4" fill="#0f766e"/><text x="28" y="19" font-size="13" text-anchor="middle" fill="#fff" font-family="sans-serif">ACME</text></svg>';

/** A page on another loopback origin (its own port) that embeds `src` in an iframe. */
interface EmbeddingSite {
  origin: string;
  setFrameSrc(src: string): void;
  close(): Promise<void>;
}

async function startEmbeddingSite(): Promise<EmbeddingSite> {
  let src = 'about:blank';
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><title>Operator site</title></head><body style="margin:0;font-family:sans-serif">` +
        `<header style="padding:12px 20px;background:#eee">Acme dashboard · Webhooks</header>` +
        `<iframe title="Webhook portal" src="${src.replace(/"/g, '&quot;')}" style="width:100%;height:820px;border:0"></iframe></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setFrameSrc: (s) => {
      src = s;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Tab {
  page: Page;
  context: BrowserContext;
  errors: string[];
  urls: string[];
  shot(name: string): Promise<void>;
}

async function openTab(browser: Browser, width: number, url: string): Promise<Tab> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
    deviceScaleFactor: 1,
  });
  await context.route(`${LOGO_URL}*`, (route) =>
    route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO_SVG }),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  const urls: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  context.on('request', (r) => urls.push(r.url()));
  await page.goto(url);
  return {
    page,
    context,
    errors,
    urls,
    shot: async (name) => {
      await page.screenshot({
        path: `${SCREENSHOT_DIR}/portal-${name}-${width}.png`,
        fullPage: true,
      });
    },
  };
}

function card(page: Page, heading: string): Locator {
  return page.locator('section.card', { has: page.getByRole('heading', { name: heading }) });
}

if ('missing' in lookup) {
  describe('customer portal in Chromium', () => {
    it('cannot run here: says why in one visible line', () => {
      process.stderr.write(`\n*** browser tests NOT RUN: ${lookup.missing}\n\n`);
      expect(lookup.missing).toMatch(/CHROMIUM_PATH/);
    });
  });
} else {
  describe('customer portal in Chromium (real service, database, receiver and embedding site)', () => {
    let database: TestDatabase;
    let service: ServiceProcess;
    let receiver: TestReceiver;
    let site: EmbeddingSite;
    let browser: Browser;
    let admin: ApiClient;
    let appA = '';
    let appB = '';
    let endpointB = '';
    let sessionUrl = '';
    let desk: Tab;
    let endpointId = '';

    const mint = async (appId: string, body: Record<string, unknown> = {}) => {
      const res = await admin.post<{ id: string; url: string; token: string }>(
        `/apps/${appId}/portal-sessions`,
        body,
      );
      expect(res.status).toBe(201);
      return res.body;
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      receiver = await startReceiver(() => ({ status: 200, body: '{"thanks":"from acme"}' }));
      site = await startEmbeddingSite();
      service = await startServiceProcess({
        role: 'all',
        databaseUrl: database.url,
        readyTimeoutMs: 60_000,
        env: {
          PORTAL_SIGNING_KEY: SIGNING_KEY.toString('base64'),
          PORTAL_FRAME_ANCESTORS: `'self' ${site.origin}`,
        },
      });
      admin = new ApiClient(`${service.baseUrl}/api/v1`, TEST_ADMIN_KEY);
      const created = async (path: string, body: unknown): Promise<string> => {
        const res = await admin.post<{ id: string }>(path, body);
        expect(res.status).toBe(201);
        return res.body.id;
      };
      await created('/event-types', {
        name: 'invoice.paid',
        description: 'An invoice was paid in full',
        schema: {
          type: 'object',
          required: ['invoiceId', 'amount'],
          properties: { invoiceId: { type: 'string' }, amount: { type: 'integer' } },
          examples: [{ invoiceId: 'inv_1001', amount: 4200 }],
        },
      });
      await created('/event-types', {
        name: 'invoice.voided',
        description: 'An invoice was voided',
      });
      appA = await created('/apps', {
        name: 'acme-internal-name',
        portal: { displayName: 'Acme Billing', primaryColor: '#0f766e', logoUrl: LOGO_URL },
      });
      appB = await created('/apps', { name: 'Globex' });
      endpointB = await created(`/apps/${appB}/endpoints`, { url: 'https://globex.example/hooks' });
      sessionUrl = (await mint(appA)).url;
      browser = await chromium.launch({
        executablePath: lookup.path,
        args: ['--no-sandbox', '--disable-dev-shm-usage'],
      });
    }, STEP_MS);

    afterAll(async () => {
      await browser?.close();
      await service?.stop('SIGTERM');
      await receiver?.close();
      await site?.close();
      await database?.drop();
    }, STEP_MS);

    it(
      'opens from the session URL, themed for the app, with the token gone from the address bar',
      async () => {
        expect(sessionUrl).toMatch(/\/portal#token=/);
        desk = await openTab(browser, 1280, sessionUrl);
        const { page } = desk;
        await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
        await page.locator('header.topbar').getByText('Acme Billing').waitFor();

        expect({
          href: page.url(),
          title: await page.title(),
          primary: await page.evaluate(
            "getComputedStyle(document.querySelector('header.topbar')).backgroundColor",
          ),
        }).toEqual({
          href: `${service.baseUrl}/portal/`,
          title: 'Endpoints · Acme Billing · Hookrelay',
          primary: 'rgb(15, 118, 110)',
        });
        await desk.shot('empty');
      },
      STEP_MS,
    );

    it(
      'adds an endpoint on the local receiver, choosing event types from the catalog',
      async () => {
        const { page } = desk;
        await page.getByRole('button', { name: 'Add endpoint' }).click();
        await page.getByLabel('URL', { exact: true }).fill(receiver.url);
        await page.getByLabel('Description', { exact: true }).fill('Our billing receiver');
        await page.getByRole('checkbox', { name: 'invoice.paid' }).check();
        expect(await page.getByLabel('Event types', { exact: true }).inputValue()).toBe(
          'invoice.paid',
        );
        await desk.shot('add-endpoint');
        await page.getByRole('button', { name: 'Add endpoint' }).last().click();
        await page.getByRole('heading', { name: receiver.url }).waitFor();
        endpointId = new URL(page.url()).pathname.split('/').pop() ?? '';
        expect(endpointId).toMatch(/^ep_/);
        await card(page, 'Subscriptions').getByText('invoice.paid', { exact: true }).waitFor();
      },
      STEP_MS,
    );

    it(
      'shows the attempt of a message the operator sends, with the response excerpt, and a secret that verifies it',
      async () => {
        const { page } = desk;
        const sent = await admin.post(`/apps/${appA}/messages`, {
          eventType: 'invoice.paid',
          payload: { invoiceId: 'inv_1001', amount: 4200 },
        });
        expect(sent.status).toBe(202);
        const [delivered] = await receiver.waitFor(1, 60_000);
        const attempts = card(page, 'Delivery attempts');
        await refreshUntil(
          page,
          () => attempts.getByRole('button', { name: 'Refresh' }).click(),
          async () => (await attempts.locator('tbody tr').count()) > 0,
          'the attempt to show',
        );
        await attempts.getByText('200', { exact: true }).waitFor();
        await attempts.locator('summary').first().click();
        await attempts.getByText('{"thanks":"from acme"}').waitFor();

        const secret = card(page, 'Signing secret');
        await secret.getByRole('button', { name: 'Reveal' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Reveal' }).click();
        const key = (await secret.getByTestId('secret').textContent()) ?? '';
        expect(() =>
          new Webhook(key).verify(delivered.body, {
            'webhook-id': String(delivered.headers['webhook-id']),
            'webhook-timestamp': String(delivered.headers['webhook-timestamp']),
            'webhook-signature': String(delivered.headers['webhook-signature']),
          }),
        ).not.toThrow();
        await secret.getByRole('button', { name: 'Hide' }).click();
        await desk.shot('endpoint');
        // The full-capability endpoint page on a phone, too: no sideways scrolling.
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({
          path: `${SCREENSHOT_DIR}/portal-endpoint-390.png`,
          fullPage: true,
        });
        expect(
          await page.evaluate(
            'document.documentElement.scrollWidth > document.documentElement.clientWidth',
          ),
        ).toBe(false);
        await page.setViewportSize({ width: 1280, height: 900 });
      },
      STEP_MS,
    );

    it(
      'shows the catalog with schemas and examples',
      async () => {
        const { page } = desk;
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Event types' })
          .click();
        const paid = card(page, 'invoice.paid');
        await paid.getByText('An invoice was paid in full').waitFor();
        await paid.getByLabel('Example payload').getByText('"invoiceId": "inv_1001"').waitFor();
        await desk.shot('event-types');
        expect(desk.errors).toEqual([]);
      },
      STEP_MS,
    );

    it('never requested another app’s data, nor put the token in a URL', () => {
      const api = desk.urls.filter((u) => u.includes('/api/v1/'));
      const token = new URL(sessionUrl).hash.replace('#token=', '');
      const outsideItsApp = api.filter(
        (u) =>
          !u.startsWith(`${service.baseUrl}/api/v1/apps/${appA}/`) &&
          !u.startsWith(`${service.baseUrl}/api/v1/portal/session`) &&
          !u.startsWith(`${service.baseUrl}/api/v1/event-types`),
      );

      expect({
        sawItsApp: api.some((u) => u.includes(`/apps/${appA}/endpoints/${endpointId}/attempts`)),
        outsideItsApp,
        mentionsOtherApp: desk.urls.filter((u) => u.includes(appB) || u.includes(endpointB)),
        withToken: desk.urls.filter((u) => u.includes(token)),
      }).toEqual({ sawItsApp: true, outsideItsApp: [], mentionsOtherApp: [], withToken: [] });
    });

    it(
      'works on a phone (390 px) with a read-only session: no write controls',
      async () => {
        const readOnly = await mint(appA, {
          capabilities: ['endpoints:read', 'deliveries:read', 'event-types:read'],
        });
        const phone = await openTab(browser, 390, readOnly.url);
        try {
          const { page } = phone;
          await page.getByRole('link', { name: receiver.url }).click();
          await page.getByRole('heading', { name: receiver.url }).waitFor();
          await card(page, 'Delivery attempts').getByText('200', { exact: true }).waitFor();
          expect({
            writeButtons: await page
              .getByRole('button', {
                name: /^(Edit|Disable|Reveal|Rotate|Retry.*|New subscription)$/,
              })
              .count(),
            testEvent: await page.getByRole('heading', { name: 'Send a test event' }).count(),
            scrollsSideways: await page.evaluate(
              'document.documentElement.scrollWidth > document.documentElement.clientWidth',
            ),
          }).toEqual({ writeButtons: 0, testEvent: 0, scrollsSideways: false });
          await phone.shot('endpoint-read-only');
          await page.getByRole('link', { name: 'Endpoints' }).first().click();
          await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
          await phone.shot('endpoints');
        } finally {
          await phone.context.close();
        }
      },
      STEP_MS,
    );

    it(
      'says clearly that an expired session has ended',
      async () => {
        const session = await mint(appA);
        const expired = await new PortalTokenSigner(SIGNING_KEY).sign(
          { sessionId: session.id, appId: appA },
          new Date(Date.now() - 7_200_000),
          new Date(Date.now() - 3_600_000),
        );
        const tab = await openTab(browser, 1280, `${service.baseUrl}/portal#token=${expired}`);
        try {
          await tab.page
            .getByRole('alert')
            .filter({ hasText: 'This session has ended' })
            .getByText(/expired or was revoked/)
            .waitFor();
          expect(tab.page.url()).toBe(`${service.baseUrl}/portal/`);
          await tab.shot('expired');
        } finally {
          await tab.context.close();
        }
      },
      STEP_MS,
    );

    it(
      'says so too when the operator revokes the session while it is open',
      async () => {
        const session = await mint(appA);
        const tab = await openTab(browser, 1280, session.url);
        try {
          // Wait for the list itself (the heading renders before it loads): revoked earlier,
          // the list's own request would already end the session and the link never appear.
          const link = tab.page.getByRole('link', { name: receiver.url });
          await link.waitFor();
          expect((await admin.delete(`/apps/${appA}/portal-sessions/${session.id}`)).status).toBe(
            204,
          );
          await link.click();
          await tab.page.getByRole('alert').filter({ hasText: 'This session has ended' }).waitFor();
        } finally {
          await tab.context.close();
        }
      },
      STEP_MS,
    );

    it(
      'runs embedded in an iframe of a page on another origin that PORTAL_FRAME_ANCESTORS allows',
      async () => {
        site.setFrameSrc((await mint(appA)).url);
        const tab = await openTab(browser, 1280, `${site.origin}/`);
        try {
          const frame = tab.page.frameLocator('iframe[title="Webhook portal"]');
          await frame.getByRole('heading', { name: 'Endpoints' }).waitFor();
          await frame.getByRole('link', { name: receiver.url }).waitFor();
          expect(new URL(tab.page.url()).origin).not.toBe(new URL(service.baseUrl).origin);
          await tab.shot('embedded');
        } finally {
          await tab.context.close();
        }
      },
      STEP_MS,
    );

    it(
      'is not shown in a frame of an origin PORTAL_FRAME_ANCESTORS does not name',
      async () => {
        const other = await startEmbeddingSite();
        other.setFrameSrc((await mint(appA)).url);
        const tab = await openTab(browser, 1280, `${other.origin}/`);
        try {
          await tab.page.waitForLoadState('load');
          const portalFrame = tab.page.frames().find((f) => f !== tab.page.mainFrame());
          // Chromium replaces a frame refused by frame-ancestors with its error page.
          expect({
            frameUrl: portalFrame?.url(),
            portalHeadings: await tab.page
              .frameLocator('iframe[title="Webhook portal"]')
              .getByRole('heading', { name: 'Endpoints' })
              .count(),
          }).toEqual({ frameUrl: 'chrome-error://chromewebdata/', portalHeadings: 0 });
          expect(tab.errors.join('\n')).toMatch(/violates .*"frame-ancestors /);
        } finally {
          await tab.context.close();
          await other.close();
        }
      },
      STEP_MS,
    );
  });
}
