import { Pool } from 'undici';

/** One undici pool per origin and connection count, reused across calls of a scenario. */
export function createPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

export interface Reply {
  status: number;
  text: string;
}

export async function postJson(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Reply> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

export const bearer = (apiKey: string): Record<string, string> => ({
  authorization: `Bearer ${apiKey}`,
});

export const messagesPath = (appId: string): string =>
  `/api/v1/apps/${encodeURIComponent(appId)}/messages`;

/** The `id` of a `{ id }` response, or null when the body has none. */
export function idOf(text: string): string | null {
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' &&
    parsed !== null &&
    'id' in parsed &&
    typeof parsed.id === 'string'
    ? parsed.id
    : null;
}

export const describeError = (err: unknown): string =>
  err instanceof Error ? err.message : String(err);
