import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import { formatTime } from '../../shared/format';
import { useCursorPages } from '../../shared/hooks';
import { Link, navigate } from '../../shared/router';
import { PagedTable } from '../../shared/table';
import type { App } from '../../shared/types';
import { Card, ErrorBanner, Field, ToggleButton, useDocumentTitle, valueOf } from '../../shared/ui';
import { api } from '../session';

export function AppsPage() {
  useDocumentTitle('Apps');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [creating, setCreating] = useState(false);
  const pages = useCursorPages(
    (cursor) => api.get<Page<App>>('/apps', { cursor, limit: 25, search: applied || undefined }),
    [applied],
  );
  return (
    <>
      <div class="page-head">
        <h1>Apps</h1>
        <ToggleButton class="btn btn-primary" open={creating} onToggle={setCreating}>
          New app
        </ToggleButton>
      </div>
      {creating && <CreateApp onCancel={() => setCreating(false)} />}
      <Card>
        <form
          class="toolbar"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(search.trim());
          }}
        >
          <Field label="Search apps">
            <input
              type="search"
              value={search}
              onInput={(e) => setSearch(valueOf(e))}
              placeholder="Part of a name, or an exact id or uid"
            />
          </Field>
          <button type="submit" class="btn">
            Search
          </button>
        </form>
        <PagedTable
          pages={pages}
          label="apps"
          rowKey={(a) => a.id}
          empty={applied ? `No app matches “${applied}”.` : 'No apps yet: create the first one.'}
          columns={[
            {
              label: 'Name',
              render: (a) => (
                <Link to={path`apps/${a.id}`}>
                  <span class="break">{a.name}</span>
                </Link>
              ),
            },
            {
              label: 'UID',
              render: (a) =>
                a.uid ? <code class="break">{a.uid}</code> : <span class="muted">—</span>,
            },
            { label: 'ID', render: (a) => <code class="break">{a.id}</code> },
            { label: 'Created', render: (a) => formatTime(a.createdAt) },
          ]}
        />
      </Card>
    </>
  );
}

function CreateApp({ onCancel }: { onCancel: () => void }) {
  const [name, setName] = useState('');
  const [uid, setUid] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card title="New app">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const app = await api.post<App>('/apps', {
              name: name.trim(),
              ...(uid.trim() ? { uid: uid.trim() } : {}),
            });
            navigate(path`apps/${app.id}`);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="form-row">
          <Field label="Name">
            <input
              required
              maxLength={256}
              value={name}
              onInput={(e) => setName(valueOf(e))}
              autoFocus
            />
          </Field>
          <Field label="UID (optional)" hint="Your own id for this app, usable in URLs.">
            <input value={uid} onInput={(e) => setUid(valueOf(e))} />
          </Field>
        </div>
        <ErrorBanner error={error} title="App not created" />
        <div class="actions">
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Create app
          </button>
        </div>
      </form>
    </Card>
  );
}
