import { USER_AGENT } from '../../common/product';
import { type AuthTokenScheme, authorizationValue } from '../../endpoints/endpoint-rules';

/** What an endpoint's fixed request headers are made of (the token already decrypted). */
export interface BaseHeaderSource {
  /** The endpoint's custom headers, as stored. */
  headers: Readonly<Record<string, string>> | null;
  authToken: string | null;
  authTokenScheme: AuthTokenScheme;
  signatureHeader: string | null;
}

/** Headers the sender sets on attempts: a custom header of the same name gives way. */
const PER_ATTEMPT_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'traceparent',
]);

/**
 * The headers every attempt to the endpoint carries, as a flat [name, value, …] list built
 * once per cached config: custom headers (lower-cased), content-type, user-agent and
 * Authorization (`Bearer <token>`, or the token verbatim with the "raw" scheme). Never a
 * per-attempt header, nor the endpoint's own signature header.
 */
export function baseHeaderList(source: BaseHeaderSource): string[] {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  headers['content-type'] = 'application/json';
  headers['user-agent'] = USER_AGENT;
  if (source.authToken)
    headers.authorization = authorizationValue(source.authToken, source.authTokenScheme);
  const list: string[] = [];
  const own = source.signatureHeader?.toLowerCase();
  for (const [name, value] of Object.entries(headers))
    if (!PER_ATTEMPT_HEADERS.has(name) && name !== own) list.push(name, value);
  return list;
}
