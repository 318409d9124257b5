import { createServer } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseAddressRanges } from '../ssrf/address-policy';

/**
 * Every bind address must be covered by the published OUTBOUND_IPS, or receivers that
 * allowlist what we publish would drop our deliveries. Throws naming the variable.
 */
export function assertBindAddressesPublished(
  bindAddresses: readonly string[],
  outboundIps: readonly string[],
): void {
  const published = parseAddressRanges(outboundIps);
  for (const bind of bindAddresses) {
    const address = ipaddr.process(bind);
    const covered = published.some(
      (range) =>
        range.network.kind() === address.kind() && address.match(range.network, range.prefixLength),
    );
    if (!covered) {
      throw new Error(`OUTBOUND_BIND_ADDRESSES: ${bind} is not within OUTBOUND_IPS`);
    }
  }
}

/**
 * Fails when an address is not assigned to this machine (EADDRNOTAVAIL), so a typo stops
 * start-up instead of failing every delivery. Listening on an ephemeral port is the cheapest
 * portable way to ask the kernel whether a local address exists.
 */
export async function assertBindAddressesAssignable(
  bindAddresses: readonly string[],
): Promise<void> {
  for (const bind of bindAddresses) {
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `OUTBOUND_BIND_ADDRESSES: ${bind} cannot be bound on this machine (${err.code ?? err.message})`,
          ),
        ),
      );
      probe.listen(0, bind, () => probe.close(() => resolve()));
    });
  }
}

/** 4 or 6: the family a socket bound to `address` can connect to. */
export function addressFamily(address: string): 4 | 6 {
  return ipaddr.process(address).kind() === 'ipv4' ? 4 : 6;
}
