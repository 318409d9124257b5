import type { Attempt } from './types';
import { formatDuration, formatTime } from './format';
import { Badge } from './ui';

const BODY_EXCERPT_CHARS = 500;

/** One delivery's attempts, oldest first: what was answered, how fast, and why it failed. */
export function AttemptTimeline({ attempts }: { attempts: Attempt[] }) {
  const ordered = [...attempts].sort(
    (a, b) => a.attempt - b.attempt || a.createdAt.localeCompare(b.createdAt),
  );
  return (
    <ol class="timeline">
      {ordered.map((a) => (
        <li key={a.id} class={a.succeeded ? 'ok' : 'bad'}>
          <div class="timeline-head">
            <strong>Attempt {a.attempt}</strong>
            <Badge tone={a.succeeded ? 'ok' : 'bad'}>
              {a.statusCode ?? a.errorClass ?? 'no answer'}
            </Badge>
            <span class="muted">{formatDuration(a.durationMs)}</span>
            <time class="muted" dateTime={a.createdAt}>
              {formatTime(a.createdAt)}
            </time>
          </div>
          {a.errorClass && (
            <div>
              <span class="muted">Error: </span>
              <code>{a.errorClass}</code> {a.error && <span class="break">{a.error}</span>}
            </div>
          )}
          {a.responseBody && (
            <details>
              <summary>Response body ({a.responseBody.length} chars)</summary>
              <pre tabIndex={0}>
                {a.responseBody.length > BODY_EXCERPT_CHARS
                  ? `${a.responseBody.slice(0, BODY_EXCERPT_CHARS)}…`
                  : a.responseBody}
              </pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
