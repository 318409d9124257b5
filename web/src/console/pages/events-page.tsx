import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import { formatTime, localInputToIso } from '../../shared/format';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { Link, navigate } from '../../shared/router';
import { PagedTable } from '../../shared/table';
import type { App, Message } from '../../shared/types';
import { Badge, Card, Field, useDocumentTitle, valueOf } from '../../shared/ui';
import { AppCrumbs } from '../app-crumbs';
import { api } from '../session';

interface Filters {
  eventType: string;
  after: string;
  before: string;
  eventId: string;
}

const NONE: Filters = { eventType: '', after: '', before: '', eventId: '' };

/** The events feed of one app: newest first, filtered server-side, paged by cursor. */
export function EventsPage({ appId }: { appId: string }) {
  const app = useAsync(() => api.get<App>(path`/apps/${appId}`), [appId]);
  useDocumentTitle(`Events · ${app.data?.name ?? appId}`);
  const [form, setForm] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const pages = useCursorPages(
    (cursor) =>
      api.get<Page<Message>>(path`/apps/${appId}/messages`, {
        cursor,
        limit: 50,
        eventType: applied.eventType || undefined,
        after: localInputToIso(applied.after),
        before: localInputToIso(applied.before),
        eventId: applied.eventId || undefined,
      }),
    [appId, applied],
  );
  const set = (k: keyof Filters) => (e: Parameters<typeof valueOf>[0]) =>
    setForm({ ...form, [k]: valueOf(e) });
  return (
    <>
      <AppCrumbs appId={appId} appName={app.data?.name} here="Events" />
      <div class="page-head">
        <h1>Events feed</h1>
        <button type="button" class="btn btn-small" onClick={pages.reload}>
          Refresh
        </button>
      </div>
      <Card>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...form, eventType: form.eventType.trim(), eventId: form.eventId.trim() });
          }}
        >
          <Field label="Event type" hint='"invoice.paid", "invoice.*" or "*"'>
            <input value={form.eventType} onInput={set('eventType')} />
          </Field>
          <Field label="After">
            <input type="datetime-local" value={form.after} onInput={set('after')} />
          </Field>
          <Field label="Before">
            <input type="datetime-local" value={form.before} onInput={set('before')} />
          </Field>
          <Field label="Event id">
            <input value={form.eventId} onInput={set('eventId')} />
          </Field>
          <div class="actions">
            <button type="submit" class="btn btn-primary">
              Filter
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                setForm(NONE);
                setApplied(NONE);
              }}
            >
              Clear
            </button>
          </div>
        </form>
        <PagedTable
          pages={pages}
          label="messages"
          rowKey={(m) => m.id}
          empty={
            JSON.stringify(applied) === JSON.stringify(NONE)
              ? 'No messages yet.'
              : 'No message matches these filters.'
          }
          columns={[
            {
              label: 'Event type',
              render: (m) => (
                <>
                  <Link to={path`apps/${appId}/messages/${m.id}`}>
                    <code class="break">{m.eventType}</code>
                  </Link>
                  {m.test && (
                    <>
                      {' '}
                      <Badge>test</Badge>
                    </>
                  )}
                </>
              ),
            },
            {
              label: 'Event id',
              render: (m) =>
                m.eventId ? <span class="break">{m.eventId}</span> : <span class="muted">—</span>,
            },
            {
              label: 'Ordering key',
              render: (m) =>
                m.orderingKey ? (
                  <span class="break">{m.orderingKey}</span>
                ) : (
                  <span class="muted">—</span>
                ),
            },
            { label: 'Message', render: (m) => <code class="break">{m.id}</code> },
            {
              label: 'Created',
              render: (m) => <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>,
            },
            {
              label: 'Open',
              render: (m) => (
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => navigate(path`apps/${appId}/messages/${m.id}`)}
                  aria-label={`Open message ${m.id}`}
                >
                  Open
                </button>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
