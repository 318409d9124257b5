import { request } from 'undici';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** A thin real-HTTP client for the e2e tests (no in-process injection). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | null,
  ) {}

  withKey(key: string | null): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  get<T = Record<string, unknown>>(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>('GET', path, undefined, headers);
  }
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>('POST', path, body, headers);
  }
  patch<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>('PATCH', path, body, headers);
  }
  delete<T = Record<string, unknown>>(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>('DELETE', path, undefined, headers);
  }

  /** `body` as a string is sent verbatim (malformed JSON tests); anything else is JSON-encoded. */
  async send<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.key !== null) allHeaders.authorization = `Bearer ${this.key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      allHeaders['content-type'] ??= 'application/json';
    }
    const res = await request(`${this.baseUrl}${path}`, {
      method,
      headers: allHeaders,
      body: payload,
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (metrics, docs UI): keep the text
    }
    return { status: res.statusCode, headers: res.headers, body: parsed as T };
  }
}
