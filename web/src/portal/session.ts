import { createApiClient } from '../shared/api';

/**
 * The portal token arrives in the URL fragment (`/portal#token=…`), which browsers never send
 * to a server nor put in a Referer. It is moved into this module's memory at once and the
 * fragment cleared, so it is not in the address bar, the history, a bookmark or a copied link.
 * It is not stored anywhere: reloading the page ends the portal (the operator's page mints a
 * new link).
 */
let token: string | null = null;
let ended = false;
const listeners = new Set<() => void>();

export const portalSession = {
  takeTokenFromFragment(): void {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const found = params.get('token');
    if (found) token = found;
    if (window.location.hash)
      history.replaceState(history.state, '', window.location.pathname + window.location.search);
  },
  hasToken: (): boolean => token !== null,
  /** True once the server refused the token (expired or revoked). */
  hasEnded: (): boolean => ended,
  end(): void {
    token = null;
    ended = true;
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const api = createApiClient({
  authorization: () => (token ? `Bearer ${token}` : null),
  onUnauthorized: () => portalSession.end(),
});
