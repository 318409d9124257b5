/**
 * The one way the browser apps talk to the service: its public REST API under /api/v1.
 * The credential is supplied per call by `authorization()`, so the console (admin key) and
 * the customer portal (its own token) share this client.
 */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiClientOptions {
  baseUrl?: string;
  authorization: () => string | null;
  /** Called on any 401 (a key revoked mid-session): the app signs out. */
  onUnauthorized?: () => void;
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** POST that also tells which 2xx status answered (e.g. 200 finished vs 202 queued). */
  postWithStatus<T>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Path segments from user data (ids, uids, names) are always encoded. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''),
    '',
  );
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl ?? '/api/v1';
  async function call<T>(
    method: string,
    p: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const auth = options.authorization();
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + p, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The service could not be reached. Is it running?');
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as { code?: string; message?: string; details?: FieldProblem[] };
      if (res.status === 401) options.onUnauthorized?.();
      throw new ApiError(
        res.status,
        e.code ?? `http_${res.status}`,
        e.message ?? `${res.status} ${res.statusText}`,
        Array.isArray(e.details) ? e.details : [],
      );
    }
    return { status: res.status, body: parsed as T };
  }
  return {
    get: async (p, query) => (await call<never>('GET', p + queryString(query))).body,
    post: async (p, body) => (await call<never>('POST', p, body ?? {})).body,
    postWithStatus: (p, body) => call('POST', p, body ?? {}),
    patch: async (p, body) => (await call<never>('PATCH', p, body)).body,
    del: async (p) => {
      await call<void>('DELETE', p);
    },
  };
}
