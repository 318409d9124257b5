/**
 * A minimal webhook receiver that verifies Hookrelay deliveries with the Standard Webhooks
 * library. Run: WEBHOOK_SECRET=whsec_... npm run example:receiver (PORT defaults to 4000).
 * Verify the raw body bytes exactly as received: re-serialised JSON would not match.
 */
import { createServer } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  process.stderr.write('Set WEBHOOK_SECRET to the endpoint signing secret (whsec_...)\n');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4000);
const webhook = new Webhook(secret);
/** Deliveries are at-least-once: remember message ids to skip repeats (use a store in production). */
const seen = new Set<string>();

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    try {
      const event = webhook.verify(body, headers) as { id: string; type: string; data: unknown };
      if (!seen.has(event.id)) {
        seen.add(event.id);
        process.stdout.write(`received ${event.type} ${event.id}\n`);
      }
      res.writeHead(204).end();
    } catch (err) {
      const status = err instanceof WebhookVerificationError ? 401 : 400;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('invalid signature');
    }
  });
}).listen(port, () => process.stdout.write(`listening on http://localhost:${port}\n`));
