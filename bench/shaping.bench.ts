/**
 * Micro-benchmark of payload shaping per delivery: the body the sender builds for one attempt
 * (PayloadShaper.body + the Buffer it is encoded to), for a ~1 KB Adapty-style payload, in
 * four endpoint configurations. Reports CPU microseconds per delivery (process.cpuUsage, user
 * + system), steadier than rates on a shared machine.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/shaping.bench.js
 * Prints one JSON object.
 */
import { type BodyShape, DEFAULT_BODY_SHAPE } from '../src/common/body-shape';
import { PayloadShapers } from '../src/delivery/sending/payload-shaper';

const ITERATIONS = 200_000;
const WARM_UP = 20_000;

const payload = JSON.stringify({
  profile_id: '772204ce-ebf6-4ed9-82b0-d8688ab62b01',
  customer_user_id: 'john.doe',
  idfv: '00000000-0000-0000-0000-000000000000',
  idfa: '00000000-0000-0000-0000-000000000000',
  advertising_id: '00000000-0000-0000-0000-000000000000',
  profile_install_datetime: '2020-02-18T18:40:22.000000+0000',
  user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_4_1 like Mac OS X) AppleWebKit/605.1.15',
  email: 'john.doe@example.com',
  event_type: 'subscription_renewed',
  event_datetime: '2023-02-18T18:40:22.000000+0000',
  event_properties: {
    store: 'app_store',
    vendor_product_id: 'weekly.premium',
    price_usd: 9.99,
    price_local: 9.99,
    currency: 'USD',
    transaction_id: '2000000033202384',
    original_transaction_id: '2000000033202384',
  },
  event_api_version: 1,
  attributions: { appsflyer: { channel: 'ads', campaign: 'spring', status: 'non_organic' } },
  user_attributes: { plan: 'pro', favourite_colour: 'blue', level: 12 },
}).replace('"level":12', '"level":12345678901234567890');

const shapes: Record<string, BodyShape> = {
  'envelope (default, today)': DEFAULT_BODY_SHAPE,
  'payload, unshaped': { ...DEFAULT_BODY_SHAPE, bodyFormat: 'payload' },
  'envelope + alias + 2 omitFields': {
    ...DEFAULT_BODY_SHAPE,
    omitFields: ['attributions', 'user_attributes'],
    eventTypeAliases: { 'adapty.subscription.renewed': 'subscription_renewed' },
  },
  'payload + 3 omitFields + eventTypeField (Adapty guide)': {
    bodyFormat: 'payload',
    omitFields: ['attributions', 'user_attributes', 'event_properties.store'],
    eventTypeAliases: { 'adapty.subscription.renewed': 'subscription_renewed' },
    eventTypeField: 'event_type',
  },
};

function measure(shape: BodyShape): { cpuMicrosPerDelivery: number; bodyBytes: number } {
  const shapers = new PayloadShapers();
  // As the claim stores it: the shaper is looked up by the frozen shape's JSON text.
  const text = shape === DEFAULT_BODY_SHAPE ? '{}' : JSON.stringify(shape);
  const createdAt = new Date();
  let bytes = 0;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const body = Buffer.from(
        shapers
          .get(text)
          .body(
            'msg_01JD7X5K0Q3R6W8Y9Z0A1B2C3D',
            'adapty.subscription.renewed',
            createdAt,
            payload,
          ),
      );
      bytes = body.length;
    }
  };
  run(WARM_UP);
  const before = process.cpuUsage();
  run(ITERATIONS);
  const used = process.cpuUsage(before);
  return {
    cpuMicrosPerDelivery: Number(((used.user + used.system) / ITERATIONS).toFixed(3)),
    bodyBytes: bytes,
  };
}

const results: Record<string, { cpuMicrosPerDelivery: number; bodyBytes: number }> = {};
for (const [name, shape] of Object.entries(shapes)) results[name] = measure(shape);
console.log(
  JSON.stringify({ payloadBytes: payload.length, iterations: ITERATIONS, results }, null, 2),
);
