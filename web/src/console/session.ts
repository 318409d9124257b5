import { createApiClient } from '../shared/api';

/**
 * The admin key lives in sessionStorage only (gone when the tab closes), is sent only in the
 * Authorization header, and is never put in a URL or written to the console log.
 */
const KEY = 'hookrelay.console.adminKey';
const listeners = new Set<() => void>();
let expired = false;

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn(key: string): void {
    sessionStorage.setItem(KEY, key);
    expired = false;
    listeners.forEach((l) => l());
  },
  signOut(becauseExpired = false): void {
    sessionStorage.removeItem(KEY);
    expired = becauseExpired;
    listeners.forEach((l) => l());
  },
  /** True once after a 401 signed the user out (the sign-in page says why). */
  wasExpired: (): boolean => expired,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const api = createApiClient({
  authorization: () => {
    const key = session.key();
    return key ? `Bearer ${key}` : null;
  },
  onUnauthorized: () => {
    if (session.key()) session.signOut(true);
  },
});
