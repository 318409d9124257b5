import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { SECRET_BOX, SecretBox } from '../../common/crypto/secret-box';
import { authTokenContext, secretContext } from '../../endpoints/signing-secrets';
import { SignatureSigner } from '../signing/signature-signer';
import { baseHeaderList } from './base-header-list';
import type { EndpointDeliveryConfig } from '../sending/endpoint-config';
import { EndpointConfigRepository, type EndpointConfigRow } from './endpoint-config.repository';

/**
 * Backstop age of a cached endpoint. Measured on the monotonic process timer, not the Clock:
 * it bounds staleness of this process's copy, it is not domain time (a frozen test clock must
 * not freeze the cache). Changes normally arrive sooner: every claim returns the endpoint's
 * updated_at, and `hookrelay_routing` notifications drop an app's endpoints.
 */
const MAX_AGE_MS = 60_000;

interface Entry {
  config: EndpointDeliveryConfig | Error;
  loadedAt: number;
}

/** Decrypts each endpoint's secrets once, not once per delivery. */
@Injectable()
export class EndpointConfigCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly repository: EndpointConfigRepository,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
  ) {}

  /**
   * Configs for the given endpoints keyed by id, loading the missing or stale ones in one
   * query. An endpoint whose secrets cannot be opened maps to an Error (recorded as a failed
   * attempt by the caller); a vanished endpoint is absent.
   */
  async getMany(
    wanted: ReadonlyMap<string, Date>,
  ): Promise<Map<string, EndpointDeliveryConfig | Error>> {
    const now = performance.now();
    const out = new Map<string, EndpointDeliveryConfig | Error>();
    const missing: string[] = [];
    for (const [id, updatedAt] of wanted) {
      const entry = this.entries.get(id);
      const fresh =
        entry &&
        now - entry.loadedAt < MAX_AGE_MS &&
        (entry.config instanceof Error || entry.config.updatedAt === updatedAt.getTime());
      if (fresh) out.set(id, entry.config);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const row of await this.repository.findMany(missing)) {
        const config = this.build(row);
        this.entries.set(row.id, { config, loadedAt: now });
        out.set(row.id, config);
      }
    }
    return out;
  }

  invalidateApp(appId: string): void {
    for (const [id, entry] of this.entries) {
      if (entry.config instanceof Error || entry.config.appId === appId) this.entries.delete(id);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private build(row: EndpointConfigRow): EndpointDeliveryConfig | Error {
    try {
      const current = this.secretBox.open(row.secret_enc, secretContext(row.id));
      const previous = row.previous_secret_enc
        ? this.secretBox.open(row.previous_secret_enc, secretContext(row.id))
        : null;
      const token = row.auth_token_enc
        ? this.secretBox.open(row.auth_token_enc, authTokenContext(row.id))
        : null;
      const url = new URL(row.url);
      return {
        id: row.id,
        appId: row.app_id,
        url,
        origin: url.origin,
        path: url.pathname + url.search,
        baseHeaderList: baseHeaderList({
          headers: row.headers,
          authToken: token,
          authTokenScheme: row.auth_token_scheme,
          signatureHeader: row.signature_header,
        }),
        currentSecret: current,
        signer: new SignatureSigner([current]),
        rotationSigner: previous ? new SignatureSigner([current, previous]) : null,
        previousSecretExpiresAt: row.previous_secret_expires_at,
        signatureHeader: row.signature_header ? row.signature_header.toLowerCase() : null,
        sendTraceContext: row.send_trace_context,
        retrySchedule: row.retry_schedule ?? row.app_retry_schedule,
        updatedAt: row.updated_at.getTime(),
      };
    } catch (err) {
      // Never the secret or the message text (it could quote one): the failing step's kind only.
      const kind = err instanceof TypeError ? 'the URL is invalid' : 'a secret cannot be decrypted';
      return new Error(`endpoint configuration is unusable: ${kind}`);
    }
  }
}
