import { useState } from 'preact/hooks';
import { path } from '../../shared/api';
import { AttemptsChart, fillMinutes, LatencyChart } from '../../shared/charts';
import {
  formatAgo,
  formatDuration,
  formatTime,
  isoToLocalInput,
  localInputToIso,
} from '../../shared/format';
import {
  EndpointHead,
  SigningSecret,
  Subscriptions,
  TestEvent,
} from '../../shared/endpoint-panels';
import { EndpointAttempts } from '../../shared/endpoint-attempts';
import { useAsync } from '../../shared/hooks';
import { ExtraFields } from '../../shared/json-view';
import { Link, navigate } from '../../shared/router';
import { DataTable } from '../../shared/table';
import type { App, Endpoint, EndpointStats } from '../../shared/types';
import {
  Card,
  ConfirmButton,
  Definition,
  ErrorBanner,
  Field,
  Loading,
  Notice,
  useAction,
  useDocumentTitle,
  valueOf,
} from '../../shared/ui';
import { AppCrumbs } from '../app-crumbs';
import { api } from '../session';

const KNOWN_FIELDS = [
  'id',
  'appId',
  'url',
  'description',
  'disabled',
  'disabledReason',
  'headers',
  'hasAuthToken',
  'authTokenHint',
  'rateLimit',
  'retrySchedule',
  'signatureHeader',
  'metadata',
  'createdAt',
  'updatedAt',
  'health',
];

export function EndpointPage({ appId, endpointId }: { appId: string; endpointId: string }) {
  const base = path`/apps/${appId}/endpoints/${endpointId}`;
  const endpoint = useAsync(() => api.get<Endpoint>(base), [base]);
  const app = useAsync(() => api.get<App>(path`/apps/${appId}`), [appId]);
  useDocumentTitle(endpoint.data?.url ?? 'Endpoint');
  if (endpoint.error)
    return <ErrorBanner error={endpoint.error} title="Could not load the endpoint" />;
  if (!endpoint.data) return <Loading />;
  const e = endpoint.data;
  return (
    <>
      <AppCrumbs appId={appId} appName={app.data?.name} here="Endpoint" />
      <EndpointHead
        api={api}
        base={base}
        endpoint={e}
        onChanged={endpoint.reload}
        actions={
          <ConfirmButton
            label="Delete"
            danger
            title="Delete this endpoint?"
            body={<p>Its pending deliveries are cancelled. This cannot be undone.</p>}
            onConfirm={async () => {
              await api.del(base);
              navigate(path`apps/${appId}`);
            }}
          />
        }
      />
      <Card title="Health and settings">
        <Definition
          items={[
            ['ID', <code class="break">{e.id}</code>],
            ['Description', e.description || '—'],
            ['Failures in a row', String(e.health.consecutiveFailures)],
            [
              'Failing since',
              e.health.failingSince
                ? `${formatTime(e.health.failingSince)} (${formatAgo(e.health.failingSince)})`
                : '—',
            ],
            [
              'Circuit',
              e.health.circuitOpenUntil
                ? `open until ${formatTime(e.health.circuitOpenUntil)}`
                : 'closed',
            ],
            [
              'Disabled',
              e.disabled ? `yes${e.disabledReason ? `: ${e.disabledReason}` : ''}` : 'no',
            ],
            ['Rate limit', e.rateLimit ? `${e.rateLimit} per second` : 'unlimited'],
            ['Retry schedule', e.retrySchedule ? e.retrySchedule.join(', ') : 'app default'],
            [
              'Headers',
              Object.keys(e.headers).length
                ? Object.entries(e.headers)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('; ')
                : '—',
            ],
            ['Auth token', e.hasAuthToken ? `set (${e.authTokenHint ?? 'hidden'})` : '—'],
          ]}
        />
        <ExtraFields record={e} known={KNOWN_FIELDS} />
      </Card>
      <StatsCharts base={base} />
      <div class="grid-2">
        <SigningSecret api={api} base={base} />
        <TestEvent api={api} base={base} onSent={() => endpoint.reload()} />
      </div>
      <Subscriptions api={api} base={base} />
      <EndpointAttempts
        api={api}
        appId={appId}
        base={base}
        title="Attempts"
        detail={{
          label: 'Message',
          render: (a) => (
            <Link to={path`apps/${appId}/messages/${a.messageId}`}>
              <code class="break">{a.messageId}</code>
            </Link>
          ),
        }}
      />
      <Recover base={base} />
    </>
  );
}

const WINDOWS = [
  { hours: 1, label: 'last hour' },
  { hours: 6, label: 'last 6 hours' },
  { hours: 24, label: 'last 24 hours' },
];

function StatsCharts({ base }: { base: string }) {
  const [hours, setHours] = useState(24);
  const stats = useAsync(
    () =>
      api.get<EndpointStats>(`${base}/stats`, {
        since: new Date(Date.now() - hours * 3_600_000).toISOString(),
      }),
    [base, hours],
  );
  const s = stats.data;
  const minutes = s ? fillMinutes(s.since, s.until, s.data) : [];
  return (
    <Card
      title="Delivery stats"
      actions={
        <>
          <select
            value={hours}
            onChange={(e) => setHours(Number(valueOf(e)))}
            aria-label="Stats window"
          >
            {WINDOWS.map((w) => (
              <option key={w.hours} value={w.hours}>
                {w.label}
              </option>
            ))}
          </select>
          <button type="button" class="btn btn-small" onClick={stats.reload}>
            Refresh
          </button>
        </>
      }
    >
      <ErrorBanner error={stats.error} title="Could not load the stats" />
      {!s ? (
        !stats.error && <Loading />
      ) : (
        <>
          <div class="charts">
            <AttemptsChart minutes={minutes} title="Attempts per minute" />
            <LatencyChart minutes={minutes} title="Latency (ms)" />
          </div>
          <details class="chart-data">
            <summary>Minutes with attempts ({s.data.length})</summary>
            {s.data.length === 0 ? (
              <p class="empty">No attempts in this window.</p>
            ) : (
              <DataTable
                rows={[...s.data].reverse().slice(0, 60)}
                rowKey={(m) => m.minute}
                caption="Minutes with attempts, newest first"
                columns={[
                  { label: 'Minute', render: (m) => formatTime(m.minute) },
                  { label: 'Succeeded', numeric: true, render: (m) => m.succeeded },
                  { label: 'Failed', numeric: true, render: (m) => m.failed },
                  { label: 'Mean', numeric: true, render: (m) => formatDuration(m.avgDurationMs) },
                  {
                    label: 'Longest',
                    numeric: true,
                    render: (m) => formatDuration(m.maxDurationMs),
                  },
                ]}
              />
            )}
          </details>
        </>
      )}
    </Card>
  );
}

function Recover({ base }: { base: string }) {
  const [since, setSince] = useState(() =>
    isoToLocalInput(new Date(Date.now() - 3_600_000).toISOString()),
  );
  const [done, setDone] = useState<number | null>(null);
  const recover = useAction(async () => {
    const iso = localInputToIso(since);
    if (!iso) throw new Error('Pick a time to recover from.');
    setDone((await api.post<{ requeued: number }>(`${base}/recover`, { since: iso })).requeued);
  });
  return (
    <Card title="Recover failed deliveries">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          void recover.go();
        }}
      >
        <Field label="Failed since (your local time)">
          <input
            type="datetime-local"
            required
            value={since}
            onInput={(e) => setSince(valueOf(e))}
          />
        </Field>
        <button type="submit" class="btn" disabled={recover.busy}>
          Recover
        </button>
      </form>
      <ErrorBanner error={recover.error} title="Not recovered" />
      {done !== null && <Notice kind="success">{done} failed deliveries queued again.</Notice>}
    </Card>
  );
}
