import { Webhook } from 'standardwebhooks';
import { BenchContext } from '../context';

/**
 * Verifies the first request a path received with the reference Standard Webhooks library:
 * a benchmark of deliveries a receiver would reject would be worthless.
 */
export async function verifyFirstSignature(
  ctx: BenchContext,
  path: string,
  secret: string,
): Promise<boolean | null> {
  const sample = await ctx.receiver.call('sample', { path });
  if (sample === null) return null;
  try {
    new Webhook(secret).verify(sample.body, sample.headers);
    return true;
  } catch {
    return false;
  }
}
