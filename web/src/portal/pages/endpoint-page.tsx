import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import {
  endpointState,
  SigningSecret,
  Subscriptions,
  TestEvent,
} from '../../shared/endpoint-panels';
import { formatDuration, formatTime } from '../../shared/format';
import { EndpointForm } from '../../shared/forms';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { Link } from '../../shared/router';
import { type Column, PagedTable } from '../../shared/table';
import type { Attempt, Endpoint } from '../../shared/types';
import {
  Badge,
  Card,
  ErrorBanner,
  Loading,
  Notice,
  ToggleButton,
  useAction,
  useDocumentTitle,
  valueOf,
} from '../../shared/ui';
import { usePortal } from '../portal-context';
import { api } from '../session';
import { useCatalogNames } from './endpoints-page';

const EXCERPT_CHARS = 500;

export function EndpointPage({ endpointId }: { endpointId: string }) {
  const portal = usePortal();
  const base = path`/apps/${portal.app.id}/endpoints/${endpointId}`;
  const endpoint = useAsync(() => api.get<Endpoint>(base), [base]);
  const catalog = useCatalogNames();
  useDocumentTitle(endpoint.data?.url ?? 'Endpoint');
  const [editing, setEditing] = useState(false);
  const [sent, setSent] = useState(0);
  const toggle = useAction(async (disabled: boolean) => {
    await api.patch(base, { disabled });
    endpoint.reload();
  });
  if (endpoint.error)
    return <ErrorBanner error={endpoint.error} title="Could not load the endpoint" />;
  if (!endpoint.data) return <Loading />;
  const e = endpoint.data;
  const canWrite = portal.can('endpoints:write');
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link to="">Endpoints</Link> / <span>Endpoint</span>
      </nav>
      <div class="page-head">
        <h1 class="break">{e.url}</h1>
        <div class="actions">
          {endpointState(e)}
          {canWrite && (
            <>
              <button
                type="button"
                class="btn"
                disabled={toggle.busy}
                onClick={() => toggle.go(!e.disabled)}
              >
                {e.disabled ? 'Enable' : 'Disable'}
              </button>
              <ToggleButton open={editing} onToggle={setEditing}>
                Edit
              </ToggleButton>
            </>
          )}
        </div>
      </div>
      {e.description && <p>{e.description}</p>}
      <ErrorBanner error={toggle.error} title="Not changed" />
      {editing && (
        <Card title="Edit endpoint">
          <EndpointForm
            initial={e}
            submitLabel="Save"
            onCancel={() => setEditing(false)}
            onSubmit={async (v) => {
              await api.patch(base, {
                url: v.url,
                description: v.description,
                rateLimit: v.rateLimit,
                retrySchedule: v.retrySchedule,
                headers: v.headers,
              });
              setEditing(false);
              endpoint.reload();
            }}
          />
        </Card>
      )}
      <div class="grid-2">
        {(portal.can('secrets:read') || portal.can('secrets:rotate')) && (
          <SigningSecret
            api={api}
            base={base}
            canReveal={portal.can('secrets:read')}
            canRotate={portal.can('secrets:rotate')}
          />
        )}
        {portal.can('events:test') && (
          <TestEvent api={api} base={base} eventTypes={catalog} onSent={() => setSent(sent + 1)} />
        )}
      </div>
      <Subscriptions api={api} base={base} canWrite={canWrite} eventTypes={catalog} />
      {portal.can('deliveries:read') && <Attempts base={base} refresh={sent} />}
    </>
  );
}

/** The endpoint's attempts, newest first, with the receiver's answer and a retry button. */
function Attempts({ base, refresh }: { base: string; refresh: number }) {
  const portal = usePortal();
  const [status, setStatus] = useState('');
  const pages = useCursorPages(
    (cursor) =>
      api.get<Page<Attempt>>(`${base}/attempts`, {
        cursor,
        limit: 25,
        status: status || undefined,
      }),
    [base, status, refresh],
  );
  const [retried, setRetried] = useState<string | null>(null);
  const retry = useAction(async (deliveryId: string) => {
    await api.post(path`/apps/${portal.app.id}/deliveries/${deliveryId}/retry`);
    setRetried(deliveryId);
    setTimeout(pages.reload, 1500);
  });
  const columns: Column<Attempt>[] = [
    { label: 'When', render: (a) => <time dateTime={a.createdAt}>{formatTime(a.createdAt)}</time> },
    {
      label: 'Result',
      render: (a) => (
        <Badge tone={a.succeeded ? 'ok' : 'bad'}>
          {a.statusCode ?? a.errorClass ?? 'no answer'}
        </Badge>
      ),
    },
    { label: 'Attempt', numeric: true, render: (a) => a.attempt },
    { label: 'Duration', numeric: true, render: (a) => formatDuration(a.durationMs) },
    {
      label: 'Response',
      render: (a) =>
        a.responseBody ? (
          <details>
            <summary>{a.responseBody.length} chars</summary>
            <pre tabIndex={0}>
              {a.responseBody.length > EXCERPT_CHARS
                ? `${a.responseBody.slice(0, EXCERPT_CHARS)}…`
                : a.responseBody}
            </pre>
          </details>
        ) : (
          <span class="muted">{a.error ?? '—'}</span>
        ),
    },
  ];
  if (portal.can('deliveries:retry'))
    columns.push({
      label: 'Retry',
      render: (a) => (
        <button
          type="button"
          class="btn btn-small"
          disabled={retry.busy}
          onClick={() => retry.go(a.deliveryId)}
          aria-label={`Retry delivery ${a.deliveryId}`}
        >
          Retry
        </button>
      ),
    });
  return (
    <Card
      title="Delivery attempts"
      actions={
        <>
          <select value={status} onChange={(e) => setStatus(valueOf(e))} aria-label="Show attempts">
            <option value="">all</option>
            <option value="failed">failed</option>
            <option value="succeeded">succeeded</option>
          </select>
          <button type="button" class="btn btn-small" onClick={pages.reload}>
            Refresh
          </button>
        </>
      }
    >
      <ErrorBanner error={retry.error} title="Not retried" />
      {retried && <Notice kind="success">Delivery {retried} queued again.</Notice>}
      <PagedTable
        pages={pages}
        label="attempts"
        rowKey={(a) => a.id}
        empty="No attempts yet."
        columns={columns}
      />
    </Card>
  );
}
