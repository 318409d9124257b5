import { useState } from 'preact/hooks';
import { ApiError, createApiClient } from '../shared/api';
import { Field, Notice, valueOf } from '../shared/ui';
import { session } from './session';

/** Checks the key against the API before keeping it, so a wrong key is said at once. */
export function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const candidate = key.trim();
    if (!candidate) return setError('Enter an admin API key.');
    setBusy(true);
    setError(null);
    try {
      await createApiClient({ authorization: () => `Bearer ${candidate}` }).get('/overview');
      session.signIn(candidate);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That key was not accepted. Use one of the service’s ADMIN_API_KEYS (or the generated .data/admin-api-key).'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form class="card form" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Hookrelay console</h1>
        {session.wasExpired() && (
          <Notice kind="warning">Your key is no longer accepted: sign in again.</Notice>
        )}
        <Field
          label="Admin API key"
          hint="Kept in this tab only (session storage); never in the address bar."
        >
          <input
            type="password"
            name="adminKey"
            autoComplete="current-password"
            value={key}
            onInput={(e) => setKey(valueOf(e))}
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'signin-error' : undefined}
          />
        </Field>
        {error && (
          <p id="signin-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
