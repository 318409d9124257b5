import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

/**
 * The addresses this service listens on, refused as delivery targets so an endpoint cannot
 * make the worker call our own API (or anything else on this host) from the inside.
 *
 * The SSRF policy works on addresses, not ports, so the whole address is refused, not just
 * PORT. Loopback and private interface addresses are already refused by the built-in policy;
 * this adds the host's public interface addresses and a specific HOST. With
 * DELIVERY_ALLOW_PRIVATE_NETWORKS (development and tests, receivers on the same machine) the
 * list is empty: refusing the host's own addresses there would refuse those receivers too.
 */
export function ownListeningAddresses(
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string[] {
  const listensEverywhere = host === '0.0.0.0' || host === '::' || host === '';
  const interfaceAddresses = Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => !info.internal)
    .map((info) => info.address.split('%')[0]);
  const addresses = listensEverywhere ? interfaceAddresses : [host, ...interfaceAddresses];
  return [...new Set(addresses)].filter((address) => isIP(address) !== 0);
}

/**
 * Everything refused on top of the built-in private ranges, for endpoint creation and for the
 * connect-time guard alike: our own listening addresses (unless private networks are allowed)
 * and the operator's DELIVERY_DENY_ADDRESSES (always).
 */
export function deniedAddresses(
  config: {
    HOST: string;
    DELIVERY_ALLOW_PRIVATE_NETWORKS: boolean;
    DELIVERY_DENY_ADDRESSES: readonly string[];
  },
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string[] {
  const own = config.DELIVERY_ALLOW_PRIVATE_NETWORKS
    ? []
    : ownListeningAddresses(config.HOST, interfaces);
  return [...own, ...config.DELIVERY_DENY_ADDRESSES];
}
