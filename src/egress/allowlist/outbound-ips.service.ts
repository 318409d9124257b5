import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { assertBindAddressesPublished } from '../dispatch/bind-addresses';
import { ifNoneMatchHits, weakEntityTag } from './entity-tag';
import type { OutboundIpsResponseDto } from './outbound-ips.dto';
import { OutboundIpsRepository } from './outbound-ips.repository';

/** Receivers poll rarely; publish new addresses at least this long before sending from them. */
export const OUTBOUND_IPS_MAX_AGE_SECONDS = 3600;

export type OutboundIpsAnswer =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; body: OutboundIpsResponseDto };

/**
 * The published allowlist (OUTBOUND_IPS), fixed for the life of the process.
 *
 * The ETag hashes the list alone, so every API process and every restart with the same list
 * answers 304 to the same tag; `updatedAt` is when that list was first published (recorded in
 * the database), so it too is the same everywhere. The tag stays weak (If-None-Match uses the
 * weak comparison anyway): a JSON serializer may format the same body differently.
 */
@Injectable()
export class OutboundIpsService implements OnModuleInit {
  private readonly list: string[];
  private readonly etag: string;
  private body: OutboundIpsResponseDto | null = null;

  /** Throws (stopping start-up) when a bind address is missing from the published list. */
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: OutboundIpsRepository,
  ) {
    assertBindAddressesPublished(config.OUTBOUND_BIND_ADDRESSES, config.OUTBOUND_IPS);
    this.list = [...config.OUTBOUND_IPS];
    this.etag = weakEntityTag(JSON.stringify(this.list));
  }

  async onModuleInit(): Promise<void> {
    const since = await this.repository.publishedSince(this.etag, this.clock.now());
    this.body = { webhook_outbound_ips: this.list, updatedAt: since.toISOString() };
  }

  answer(ifNoneMatch: string | undefined): OutboundIpsAnswer {
    if (ifNoneMatchHits(ifNoneMatch, this.etag)) return { notModified: true, etag: this.etag };
    if (this.body === null) throw new Error('OutboundIpsService used before initialisation');
    return { notModified: false, etag: this.etag, body: this.body };
  }
}
