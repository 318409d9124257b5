import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { assertBindAddressesPublished } from '../dispatch/bind-addresses';
import { ifNoneMatchHits, weakEntityTag } from './entity-tag';
import type { OutboundIpsResponseDto } from './outbound-ips.dto';

/** Receivers poll rarely; publish new addresses at least this long before sending from them. */
export const OUTBOUND_IPS_MAX_AGE_SECONDS = 3600;

export type OutboundIpsAnswer =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; body: OutboundIpsResponseDto };

/**
 * The published allowlist (OUTBOUND_IPS), fixed for the life of the process.
 *
 * The ETag hashes the list alone, so every API process and every restart with the same list
 * answers 304 to the same tag. It is weak because `updatedAt` (this process's start time: the
 * moment the list last changed is not recorded anywhere) makes the bytes differ between
 * processes; If-None-Match uses the weak comparison, so conditional polling works the same.
 */
@Injectable()
export class OutboundIpsService {
  private readonly body: OutboundIpsResponseDto;
  private readonly etag: string;

  /** Throws (stopping start-up) when a bind address is missing from the published list. */
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(CLOCK) clock: Clock) {
    assertBindAddressesPublished(config.OUTBOUND_BIND_ADDRESSES, config.OUTBOUND_IPS);
    const list = [...config.OUTBOUND_IPS];
    this.body = { webhook_outbound_ips: list, updatedAt: clock.now().toISOString() };
    this.etag = weakEntityTag(JSON.stringify(list));
  }

  answer(ifNoneMatch: string | undefined): OutboundIpsAnswer {
    return ifNoneMatchHits(ifNoneMatch, this.etag)
      ? { notModified: true, etag: this.etag }
      : { notModified: false, etag: this.etag, body: this.body };
  }
}
