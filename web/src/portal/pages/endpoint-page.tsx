import { useState } from 'preact/hooks';
import { path } from '../../shared/api';
import {
  EndpointHead,
  SigningSecret,
  Subscriptions,
  TestEvent,
} from '../../shared/endpoint-panels';
import { EndpointAttempts } from '../../shared/endpoint-attempts';
import { useAsync } from '../../shared/hooks';
import { Link } from '../../shared/router';
import type { Column } from '../../shared/table';
import type { Attempt, Endpoint } from '../../shared/types';
import { ErrorBanner, Loading, useDocumentTitle } from '../../shared/ui';
import { usePortal } from '../portal-context';
import { api } from '../session';
import { useCatalogNames } from './endpoints-page';

const EXCERPT_CHARS = 500;

/** The receiver's answer to an attempt (its first characters), or why there was none. */
const RESPONSE_COLUMN: Column<Attempt> = {
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
};

export function EndpointPage({ endpointId }: { endpointId: string }) {
  const portal = usePortal();
  const base = path`/apps/${portal.app.id}/endpoints/${endpointId}`;
  const endpoint = useAsync(() => api.get<Endpoint>(base), [base]);
  const catalog = useCatalogNames();
  useDocumentTitle(endpoint.data?.url ?? 'Endpoint');
  const [sent, setSent] = useState(0);
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
      <EndpointHead
        api={api}
        base={base}
        endpoint={e}
        onChanged={endpoint.reload}
        canWrite={canWrite}
        intro={e.description && <p>{e.description}</p>}
      />
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
      {portal.can('deliveries:read') && (
        <EndpointAttempts
          api={api}
          appId={portal.app.id}
          base={base}
          title="Delivery attempts"
          detail={RESPONSE_COLUMN}
          canRetry={portal.can('deliveries:retry')}
          refresh={sent}
        />
      )}
    </>
  );
}
