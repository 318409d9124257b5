import { request } from 'undici';

/**
 * The few admin calls a scenario needs to set itself up (apps, endpoints, secrets), made
 * from the runner. Load goes through the load generator process, never through this.
 */
export class AdminApi {
  constructor(
    private readonly origin: string,
    private readonly apiKey: string,
  ) {}

  private async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const res = await request(`${this.origin}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300)
      throw new Error(`${method} ${path} → ${res.statusCode} ${text.slice(0, 300)}`);
    return text === '' ? null : JSON.parse(text);
  }

  private static field(value: unknown, name: string): string {
    if (typeof value === 'object' && value !== null && name in value) {
      const field: unknown = (value as Record<string, unknown>)[name];
      if (typeof field === 'string') return field;
    }
    throw new Error(`response has no string "${name}": ${JSON.stringify(value).slice(0, 200)}`);
  }

  async createApp(name: string): Promise<string> {
    return AdminApi.field(await this.call('POST', '/apps', { name }), 'id');
  }

  async createEndpoint(
    appId: string,
    url: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    return AdminApi.field(
      await this.call('POST', `/apps/${appId}/endpoints`, { url, ...extra }),
      'id',
    );
  }

  async endpointSecret(appId: string, endpointId: string): Promise<string> {
    return AdminApi.field(
      await this.call('GET', `/apps/${appId}/endpoints/${endpointId}/secret`),
      'key',
    );
  }

  /** Deleting an endpoint cancels its pending deliveries, so a later drain starts clean. */
  async deleteEndpoint(appId: string, endpointId: string): Promise<void> {
    await this.call('DELETE', `/apps/${appId}/endpoints/${endpointId}`);
  }
}
