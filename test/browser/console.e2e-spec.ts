import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ApiClient } from '../support/api-client';
import { startReceiver, type TestReceiver } from '../support/receiver';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';
import { TEST_ADMIN_KEY } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { findChromium } from './chromium';
import { openConsole, refreshUntil, SESSION_KEY_NAME, type ConsolePage } from './console-page';

const STEP_MS = 120_000;
const lookup = findChromium();

/** Browser-side expressions are strings: this file is type-checked without the DOM library. */
const storedKey = `sessionStorage.getItem(${JSON.stringify(SESSION_KEY_NAME)})`;

/** Chrome reports a failed fetch as a console error; only the wrong-key check expects one. */
const EXPECTED_401 = /status of 401/;

function card(page: Page, heading: string): Locator {
  return page.locator('section.card', { has: page.getByRole('heading', { name: heading }) });
}

if ('missing' in lookup) {
  describe('operator console in Chromium', () => {
    it('cannot run here: says why in one visible line', () => {
      process.stderr.write(`\n*** browser tests NOT RUN: ${lookup.missing}\n\n`);
      expect(lookup.missing).toMatch(/CHROMIUM_PATH/);
    });
  });
} else {
  describe('operator console in Chromium (real service, database and receiver)', () => {
    let database: TestDatabase;
    let service: ServiceProcess;
    let receiver: TestReceiver;
    let browser: Browser;
    let api: ApiClient;
    let desk: ConsolePage;
    const appName = 'Acme Corporation — a tenant with a rather long name to check wrapping';
    let appId = '';
    let endpointId = '';

    beforeAll(async () => {
      database = await createTestDatabase();
      receiver = await startReceiver(() => ({
        status: 202,
        body: 'accepted by the test receiver',
      }));
      service = await startServiceProcess({
        role: 'all',
        databaseUrl: database.url,
        readyTimeoutMs: 60_000,
      });
      api = new ApiClient(`${service.baseUrl}/api/v1`, TEST_ADMIN_KEY);
      browser = await chromium.launch({
        executablePath: lookup.path,
        // Root in CI containers: Chromium's sandbox needs user namespaces it may not have.
        args: ['--no-sandbox', '--disable-dev-shm-usage'],
      });
      desk = await openConsole(browser, service.baseUrl, 1280);
    }, STEP_MS);

    afterAll(async () => {
      await browser?.close();
      await service?.stop('SIGTERM');
      await receiver?.close();
      await database?.drop();
    }, STEP_MS);

    it(
      'refuses a wrong key with a clear message and keeps nothing',
      async () => {
        const { page } = desk;
        await desk.shot('sign-in');
        await page.getByLabel('Admin API key', { exact: true }).fill('not-the-key');
        await page.keyboard.press('Enter');
        await page.getByRole('alert').filter({ hasText: 'That key was not accepted' }).waitFor();
        expect(await page.evaluate(storedKey)).toBeNull();
        await desk.shot('sign-in-wrong-key');
        expect(desk.errors.filter((e) => !EXPECTED_401.test(e))).toEqual([]);
        desk.errors.length = 0;
      },
      STEP_MS,
    );

    it(
      'signs in with the admin key, kept in session storage and never in a URL',
      async () => {
        const { page } = desk;
        await page.getByLabel('Admin API key', { exact: true }).fill(TEST_ADMIN_KEY);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Overview' }).waitFor();
        await card(page, 'Queue health').getByText('due now').waitFor();
        expect(await page.evaluate(storedKey)).toBe(TEST_ADMIN_KEY);
        await desk.shot('overview');
      },
      STEP_MS,
    );

    it(
      'creates an app',
      async () => {
        const { page } = desk;
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Apps' })
          .click();
        await page.getByRole('button', { name: 'New app' }).click();
        await page.getByLabel('Name', { exact: true }).fill(appName);
        await page.getByLabel('UID (optional)', { exact: true }).fill('acme-console');
        await page.getByRole('button', { name: 'Create app' }).click();
        await page.getByRole('heading', { name: appName }).waitFor();
        appId = new URL(page.url()).pathname.split('/').pop() ?? '';
        expect(appId).toMatch(/^app_/);
        await desk.shot('app-empty');
      },
      STEP_MS,
    );

    it(
      'creates an endpoint on the local receiver with a filtered subscription',
      async () => {
        const { page } = desk;
        await page.getByRole('button', { name: 'New endpoint' }).click();
        await page.getByLabel('URL', { exact: true }).fill(receiver.url);
        await page.getByLabel('Description', { exact: true }).fill('Billing receiver');
        await page.getByLabel('Event types', { exact: true }).fill('invoice.*');
        await page
          .getByLabel('Payload filter (JSON)', { exact: true })
          .fill('{"amount": {"$gte": 100}}');
        await page.getByRole('button', { name: 'Create endpoint' }).click();
        await page.getByRole('heading', { name: receiver.url }).waitFor();
        endpointId = new URL(page.url()).pathname.split('/').pop() ?? '';
        expect(endpointId).toMatch(/^ep_/);
        const subscriptions = card(page, 'Subscriptions');
        await subscriptions.getByText('invoice.*', { exact: true }).waitFor();
        await subscriptions.getByText('{"amount":{"$gte":100}}').waitFor();
      },
      STEP_MS,
    );

    it(
      "shows the attempt of a message posted through the API, with the receiver's status",
      async () => {
        const { page } = desk;
        const sent = await api.post<{ id: string }>(`/apps/${appId}/messages`, {
          eventType: 'invoice.paid',
          payload: { amount: 150, customer: 'c_42' },
        });
        expect(sent.status).toBe(202);
        const filtered = await api.post(`/apps/${appId}/messages`, {
          eventType: 'invoice.paid',
          payload: { amount: 5 },
        });
        expect(filtered.status).toBe(202);
        await receiver.waitFor(1, 30_000);
        const attempts = card(page, 'Attempts');
        await refreshUntil(
          page,
          () => attempts.getByRole('button', { name: 'Refresh' }).click(),
          () => attempts.getByText('202', { exact: true }).isVisible(),
          'the attempt with status 202',
        );
        expect(receiver.requests).toHaveLength(1);
        expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ data: { amount: 150 } });
      },
      STEP_MS,
    );

    it(
      'retries the delivery: the receiver gets it again and a second attempt appears',
      async () => {
        const { page } = desk;
        const attempts = card(page, 'Attempts');
        await attempts
          .getByRole('button', { name: /^Retry delivery/ })
          .first()
          .click();
        await attempts.getByText(/queued again/).waitFor();
        await receiver.waitFor(2, 30_000);
        await refreshUntil(
          page,
          () => attempts.getByRole('button', { name: 'Refresh' }).click(),
          async () => (await attempts.getByText('202', { exact: true }).count()) === 2,
          'two attempts',
        );
      },
      STEP_MS,
    );

    it(
      "sends a test event to the endpoint alone and shows the receiver's answer",
      async () => {
        const { page } = desk;
        const test = card(page, 'Send a test event');
        await test.getByLabel('Event type', { exact: true }).fill('invoice.paid');
        // Below the subscription's filter ($gte 100): a test ignores subscriptions.
        await test.getByLabel('Payload (JSON, optional)', { exact: true }).fill('{"amount": 1}');
        await test.getByRole('button', { name: 'Send test event' }).click();
        await test.getByText(/^Delivered: 202/).waitFor();
        await receiver.waitFor(3, 30_000);
        expect(JSON.parse(receiver.requests[2].body)).toMatchObject({
          type: 'invoice.paid',
          data: { amount: 1 },
        });
      },
      STEP_MS,
    );

    it(
      'rotates the signing secret behind a confirmation and shows the new one',
      async () => {
        const { page } = desk;
        const before = await api.get<{ key: string }>(
          `/apps/${appId}/endpoints/${endpointId}/secret`,
        );
        const secret = card(page, 'Signing secret');
        await secret.getByRole('button', { name: 'Rotate' }).click();
        const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
        await dialog.getByRole('button', { name: 'Rotate' }).click();
        await secret.getByText('Rotated. The new secret:').waitFor();
        const shown = (await secret.getByTestId('secret').textContent()) ?? '';
        const after = await api.get<{ key: string }>(
          `/apps/${appId}/endpoints/${endpointId}/secret`,
        );
        expect(shown).toBe(after.body.key);
        expect(shown).not.toBe(before.body.key);
      },
      STEP_MS,
    );

    it(
      'charts the attempts of the last 24 hours from the stats route',
      async () => {
        const { page } = desk;
        const charts = card(page, 'Delivery stats');
        const chart = charts.getByRole('img', { name: /^Attempts per minute/ });
        await refreshUntil(
          page,
          () => charts.getByRole('button', { name: 'Refresh' }).click(),
          async () =>
            (await chart.getAttribute('aria-label'))?.includes('3 succeeded, 0 failed') ?? false,
          'the chart to count the three attempts (message, retry, test event)',
        );
        await charts.locator('summary', { hasText: 'Minutes with attempts' }).click();
        // The per-minute table: its succeeded column sums to the chart's total (the three
        // attempts may straddle a minute boundary).
        const rows = charts.locator('tbody tr');
        await rows.first().waitFor();
        // Column 2 is "Succeeded" (at 390 px a cell also carries its label).
        const succeededCells = await rows.locator('td:nth-child(2)').allTextContents();
        const succeeded = succeededCells.reduce((sum, t) => sum + Number(t.replace(/\D/g, '')), 0);
        expect(succeeded).toBe(3);
        await desk.shot('endpoint');
      },
      STEP_MS,
    );

    it(
      'finds the message in the events feed and shows its payload, delivery and attempt timeline',
      async () => {
        const { page } = desk;
        await page.goto(`${service.baseUrl}/console/apps/${appId}/events`);
        await page.getByLabel('Event type', { exact: true }).fill('invoice.*');
        await page.getByRole('button', { name: 'Filter' }).click();
        // The two posted messages and the test event (badged), newest first.
        expect(await page.getByRole('link', { name: 'invoice.paid' }).count()).toBe(3);
        expect(await page.locator('.badge', { hasText: /^test$/ }).count()).toBe(1);
        await desk.shot('events');
        await page.getByRole('link', { name: 'invoice.paid' }).last().click();
        await page.getByRole('heading', { name: 'invoice.paid' }).waitFor();
        await page.getByText('"customer": "c_42"').waitFor();
        const deliveries = card(page, 'Deliveries');
        await deliveries.getByText('succeeded', { exact: true }).waitFor();
        expect(await deliveries.locator('.timeline li').count()).toBe(2);
        await desk.shot('message');
      },
      STEP_MS,
    );

    it(
      'lists the event type catalog with its JSON Schema',
      async () => {
        const { page } = desk;
        const created = await api.post('/event-types', {
          name: 'invoice.paid',
          description: 'An invoice was paid in full.',
          schema: { type: 'object', properties: { amount: { type: 'number' } } },
        });
        expect(created.status).toBe(201);
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Event types' })
          .click();
        await page.getByText('An invoice was paid in full.').waitFor();
        await page.getByText('JSON Schema').click();
        await page.getByText('"amount": {').waitFor();
        await desk.shot('event-types');
      },
      STEP_MS,
    );

    it(
      'shows an endpoint needing attention on the overview once it is disabled',
      async () => {
        const { page } = desk;
        await page.goto(`${service.baseUrl}/console/apps/${appId}/endpoints/${endpointId}`);
        await page.getByRole('button', { name: 'Disable' }).click();
        await page.getByRole('button', { name: 'Enable' }).waitFor();
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Overview' })
          .click();
        await card(page, 'Endpoints needing attention').getByText(receiver.url).waitFor();
        await desk.shot('overview-troubled');
      },
      STEP_MS,
    );

    it(
      'works on a 390 px phone screen: every main page fits without sideways scrolling',
      async () => {
        const phone = await openConsole(browser, service.baseUrl, 390, TEST_ADMIN_KEY);
        try {
          const pages: [string, string, string][] = [
            ['overview', '', 'Overview'],
            ['apps', 'apps', 'Apps'],
            ['app', `apps/${appId}`, appName],
            ['endpoint', `apps/${appId}/endpoints/${endpointId}`, receiver.url],
            ['events', `apps/${appId}/events`, 'Events feed'],
            ['event-types', 'event-types', 'Event types'],
          ];
          for (const [name, path, heading] of pages) {
            await phone.page.goto(`${service.baseUrl}/console/${path}`);
            await phone.page.getByRole('heading', { name: heading }).waitFor();
            await phone.page.waitForLoadState('networkidle');
            await phone.shot(name);
            const width = await phone.page.evaluate('document.documentElement.scrollWidth');
            expect({ name, width }).toEqual({ name, width: 390 });
          }
          expect(phone.errors).toEqual([]);
        } finally {
          await phone.close();
        }
      },
      STEP_MS,
    );

    it(
      'is keyboard-usable: skip link first, then the main navigation',
      async () => {
        const { page } = desk;
        await page.goto(`${service.baseUrl}/console/`);
        await page.getByRole('heading', { name: 'Overview' }).waitFor();
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement?.textContent')).toBe('Apps');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Apps' }).waitFor();
      },
      STEP_MS,
    );

    it(
      'signs out, forgetting the key; no request ever carried it in a URL; no console errors',
      async () => {
        const { page } = desk;
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByLabel('Admin API key', { exact: true }).waitFor();
        expect(await page.evaluate(storedKey)).toBeNull();
        expect(desk.urls.filter((u) => u.includes(TEST_ADMIN_KEY))).toEqual([]);
        expect(desk.errors).toEqual([]);
      },
      STEP_MS,
    );
  });
}
