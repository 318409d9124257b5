import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { isId } from '../common/ids';
import { ExpiringLoadCache } from '../routing/expiring-load-cache';

/** How long a uid → id resolution is reused: a uid moved to another app is seen this late at most. */
export const APP_UID_CACHE_MAX_AGE_MS = 2_000;

/**
 * Resolves `{appId}` on the ingest path without a query per request. An `app_…` id is used
 * as it is: the message insert's foreign key answers for its existence (violation → 404).
 * A uid is looked up once and cached (failed lookups are not); age on the monotonic clock,
 * as in EventTypeCatalogCache.
 */
@Injectable()
export class AppIdResolver {
  private readonly byUid = new ExpiringLoadCache<string>(APP_UID_CACHE_MAX_AGE_MS, () =>
    performance.now(),
  );

  constructor(private readonly apps: AppsService) {}

  resolve(idOrUid: string): Promise<string> {
    if (isId('app', idOrUid)) return Promise.resolve(idOrUid);
    return this.byUid.get(idOrUid, async () => (await this.apps.get(idOrUid)).id);
  }

  /** The app turned out to be gone. */
  forget(idOrUid: string): void {
    this.byUid.delete(idOrUid);
  }
}
