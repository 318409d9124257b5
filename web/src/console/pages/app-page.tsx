import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import { createEndpoint, endpointState } from '../../shared/endpoint-panels';
import { formatAgo } from '../../shared/format';
import {
  EndpointForm,
  type EndpointFormValue,
  JsonTextarea,
  parseJsonObject,
} from '../../shared/forms';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { ExtraFields, JsonView } from '../../shared/json-view';
import { Link, navigate } from '../../shared/router';
import { PagedTable } from '../../shared/table';
import type { App, Endpoint, RoutingTestResult } from '../../shared/types';
import {
  Card,
  ConfirmButton,
  Definition,
  ErrorBanner,
  Field,
  Loading,
  ToggleButton,
  useDocumentTitle,
  valueOf,
} from '../../shared/ui';
import { api } from '../session';

export function AppPage({ appId }: { appId: string }) {
  const app = useAsync(() => api.get<App>(path`/apps/${appId}`), [appId]);
  useDocumentTitle(app.data?.name ?? 'App');
  const [editing, setEditing] = useState(false);
  const [creating, setCreating] = useState(false);
  const endpoints = useCursorPages(
    (cursor) => api.get<Page<Endpoint>>(path`/apps/${appId}/endpoints`, { cursor, limit: 25 }),
    [appId],
  );
  if (app.error) return <ErrorBanner error={app.error} title="Could not load the app" />;
  if (!app.data) return <Loading />;
  const a = app.data;
  const create = async (v: EndpointFormValue) => {
    const created = await createEndpoint(api, path`/apps/${a.id}/endpoints`, v);
    navigate(path`apps/${a.id}/endpoints/${created.id}`);
  };
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link to="apps">Apps</Link> / <span class="break">{a.name}</span>
      </nav>
      <div class="page-head">
        <h1 class="break">{a.name}</h1>
        <div class="actions">
          <Link class="btn" to={path`apps/${a.id}/events`}>
            Events feed
          </Link>
          <ToggleButton open={editing} onToggle={setEditing}>
            Edit
          </ToggleButton>
          <ConfirmButton
            label="Delete app"
            danger
            title={`Delete ${a.name}?`}
            body={
              <p>
                This deletes the app with all its endpoints, messages, deliveries and attempts. It
                cannot be undone.
              </p>
            }
            onConfirm={async () => {
              await api.del(path`/apps/${a.id}`);
              navigate('apps');
            }}
          />
        </div>
      </div>
      {editing && (
        <EditApp
          app={a}
          onDone={() => {
            setEditing(false);
            app.reload();
          }}
        />
      )}
      <Card>
        <Definition
          items={[
            ['ID', <code class="break">{a.id}</code>],
            ['UID', a.uid ? <code class="break">{a.uid}</code> : '—'],
            ['Retry schedule', a.retrySchedule ? a.retrySchedule.join(', ') : 'default'],
            [
              'Metadata',
              Object.keys(a.metadata).length ? (
                <JsonView value={a.metadata} label="Metadata" />
              ) : (
                '—'
              ),
            ],
          ]}
        />
        <ExtraFields
          record={a as unknown as Record<string, unknown>}
          known={['id', 'uid', 'name', 'metadata', 'retrySchedule', 'createdAt', 'updatedAt']}
        />
      </Card>
      <Card
        title="Endpoints"
        actions={
          <ToggleButton class="btn btn-primary" open={creating} onToggle={setCreating}>
            New endpoint
          </ToggleButton>
        }
      >
        {creating && (
          <EndpointForm
            submitLabel="Create endpoint"
            onSubmit={create}
            onCancel={() => setCreating(false)}
          />
        )}
        <PagedTable
          pages={endpoints}
          label="endpoints"
          rowKey={(e) => e.id}
          empty="No endpoints yet: messages to this app go nowhere."
          columns={[
            {
              label: 'URL',
              render: (e) => (
                <Link to={path`apps/${a.id}/endpoints/${e.id}`}>
                  <span class="break">{e.url}</span>
                </Link>
              ),
            },
            { label: 'State', render: endpointState },
            {
              label: 'Failures in a row',
              numeric: true,
              render: (e) => e.health.consecutiveFailures,
            },
            {
              label: 'Rate limit',
              numeric: true,
              render: (e) => (e.rateLimit ? `${e.rateLimit}/s` : '—'),
            },
            { label: 'Failing since', render: (e) => formatAgo(e.health.failingSince) },
          ]}
        />
      </Card>
      <RoutingCheck appId={a.id} />
    </>
  );
}

function EditApp({ app, onDone }: { app: App; onDone: () => void }) {
  const [name, setName] = useState(app.name);
  const [uid, setUid] = useState(app.uid ?? '');
  const [metadata, setMetadata] = useState(JSON.stringify(app.metadata, null, 2));
  const [error, setError] = useState<unknown>(null);
  return (
    <Card title="Edit app">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const m = parseJsonObject(metadata, 'metadata');
          if ('error' in m) return setError(new Error(m.error));
          try {
            await api.patch(path`/apps/${app.id}`, {
              name,
              uid: uid.trim() || null,
              metadata: m.value ?? {},
            });
            onDone();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div class="form-row">
          <Field label="Name">
            <input required value={name} onInput={(e) => setName(valueOf(e))} />
          </Field>
          <Field label="UID" hint="Empty removes it.">
            <input value={uid} onInput={(e) => setUid(valueOf(e))} />
          </Field>
        </div>
        <Field label="Metadata (JSON object)">
          <JsonTextarea rows={3} value={metadata} onValue={setMetadata} />
        </Field>
        <ErrorBanner error={error} title="Not saved" />
        <div class="actions">
          <button type="button" class="btn" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary">
            Save
          </button>
        </div>
      </form>
    </Card>
  );
}

/** "Which endpoints would receive this message?" through POST …/subscriptions/test. */
function RoutingCheck({ appId }: { appId: string }) {
  const [eventType, setEventType] = useState('');
  const [payload, setPayload] = useState('{}');
  const [result, setResult] = useState<RoutingTestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <Card title="Which endpoints would receive this message?">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setResult(null);
          const p = parseJsonObject(payload, 'payload');
          if ('error' in p) return setError(new Error(p.error));
          try {
            setResult(
              await api.post<RoutingTestResult>(path`/apps/${appId}/subscriptions/test`, {
                eventType: eventType.trim(),
                payload: p.value ?? {},
              }),
            );
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div class="form-row">
          <Field label="Event type">
            <input
              required
              value={eventType}
              onInput={(e) => setEventType(valueOf(e))}
              placeholder="invoice.paid"
            />
          </Field>
          <Field label="Payload (JSON object)">
            <JsonTextarea rows={2} value={payload} onValue={setPayload} />
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="btn">
            Check routing
          </button>
        </div>
      </form>
      <ErrorBanner error={error} title="Check failed" />
      {result && (
        <div role="status" class="routing-result">
          {result.endpoints.length === 0 ? (
            <p class="empty">No endpoint would receive it.</p>
          ) : (
            <ul>
              {result.endpoints.map((r) => (
                <li key={r.endpointId}>
                  <Link to={path`apps/${appId}/endpoints/${r.endpointId}`}>
                    <code>{r.endpointId}</code>
                  </Link>{' '}
                  <span class="muted">via {r.subscriptionIds.join(', ')}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
