import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import { createEndpoint, endpointState } from '../../shared/endpoint-panels';
import { EndpointForm, type EndpointFormValue } from '../../shared/forms';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { Link, navigate } from '../../shared/router';
import { PagedTable } from '../../shared/table';
import type { Endpoint, EventType } from '../../shared/types';
import { Card, ToggleButton, useDocumentTitle } from '../../shared/ui';
import { usePortal } from '../portal-context';
import { api } from '../session';

/** The catalog's active event type names (for the pickers), or none without the capability. */
export function useCatalogNames(): string[] | undefined {
  const portal = usePortal();
  const catalog = useAsync(
    () =>
      portal.can('event-types:read')
        ? api.get<Page<EventType>>('/event-types', { limit: 250 })
        : Promise.resolve(null),
    [],
  );
  return catalog.data?.data.filter((t) => !t.archived).map((t) => t.name);
}

export function EndpointsPage() {
  const portal = usePortal();
  useDocumentTitle(`Endpoints · ${portal.app.name}`);
  const base = path`/apps/${portal.app.id}/endpoints`;
  const endpoints = useCursorPages(
    (cursor) => api.get<Page<Endpoint>>(base, { cursor, limit: 25 }),
    [base],
  );
  const catalog = useCatalogNames();
  // A session limited to some endpoints cannot add others (the API answers 403).
  const canAdd = portal.can('endpoints:write') && portal.endpointIds === null;
  const [creating, setCreating] = useState(false);
  const create = async (v: EndpointFormValue) => {
    const created = await createEndpoint(api, base, v);
    navigate(path`endpoints/${created.id}`);
  };
  return (
    <>
      <div class="page-head">
        <h1>Endpoints</h1>
        {canAdd && (
          <ToggleButton class="btn btn-primary" open={creating} onToggle={setCreating}>
            Add endpoint
          </ToggleButton>
        )}
      </div>
      <p class="muted">
        Where {portal.app.name} sends your webhooks. Each endpoint receives the event types it
        subscribes to, signed with its own secret.
      </p>
      {creating && (
        <Card title="Add an endpoint">
          <EndpointForm
            submitLabel="Add endpoint"
            catalog={catalog}
            onCancel={() => setCreating(false)}
            onSubmit={create}
          />
        </Card>
      )}
      {portal.can('endpoints:read') ? (
        <Card>
          <PagedTable
            pages={endpoints}
            label="endpoints"
            rowKey={(e) => e.id}
            empty={
              canAdd ? 'No endpoints yet: add one to start receiving webhooks.' : 'No endpoints.'
            }
            columns={[
              {
                label: 'URL',
                render: (e) => (
                  <Link to={path`endpoints/${e.id}`}>
                    <span class="break">{e.url}</span>
                  </Link>
                ),
              },
              { label: 'Description', render: (e) => e.description || '—' },
              { label: 'State', render: endpointState },
            ]}
          />
        </Card>
      ) : (
        <p class="muted">This session may not list endpoints.</p>
      )}
    </>
  );
}
