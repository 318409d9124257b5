import type { ClaimedDelivery } from '../../queue/delivery-types';
import type { EndpointDeliveryConfig } from '../sending/endpoint-config';

/** A claimed delivery queued to send, with its endpoint (or why loading it failed). */
export interface DeliveryJob {
  endpointId: string;
  delivery: ClaimedDelivery;
  endpoint: EndpointDeliveryConfig | Error;
}

/** What becomes of a claim's rows. */
export interface Admission {
  /** Queued to send. */
  jobs: DeliveryJob[];
  /** Their endpoint is gone: cancelled, visibly. */
  cancel: ClaimedDelivery[];
  /**
   * Their endpoint is disabled: rows that were due when it was disabled (held by a worker
   * then, or fanned out from a stale routing table). Handed back, which parks them.
   */
  park: ClaimedDelivery[];
}

/** The endpoints whose configuration the rows need (not deleted or disabled), at the version each row saw. */
export function endpointsToLoad(claimed: readonly ClaimedDelivery[]): Map<string, Date> {
  const wanted = new Map<string, Date>();
  for (const d of claimed)
    if (!d.endpointDeleted && !d.endpointDisabled) wanted.set(d.endpointId, d.endpointUpdatedAt);
  return wanted;
}

/** Routes claimed rows by their endpoint: cancelled, parked, or queued to send. Pure. */
export function admitClaimed(
  claimed: readonly ClaimedDelivery[],
  configs: ReadonlyMap<string, EndpointDeliveryConfig | Error>,
): Admission {
  const cancel: ClaimedDelivery[] = [];
  const park: ClaimedDelivery[] = [];
  const jobs: DeliveryJob[] = [];
  for (const delivery of claimed) {
    const endpoint = configs.get(delivery.endpointId);
    if (delivery.endpointDeleted || (!endpoint && !delivery.endpointDisabled))
      cancel.push(delivery);
    else if (delivery.endpointDisabled || !endpoint) park.push(delivery);
    else jobs.push({ endpointId: delivery.endpointId, delivery, endpoint });
  }
  return { jobs, cancel, park };
}
