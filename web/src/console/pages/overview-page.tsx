import { path } from '../../shared/api';
import { formatAgo, formatPercent, formatSeconds } from '../../shared/format';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { Link } from '../../shared/router';
import { PagedTable } from '../../shared/table';
import { Badge, Card, ErrorBanner, Loading, useDocumentTitle } from '../../shared/ui';
import type { Page } from '../../shared/api';
import { api } from '../session';

interface Rates {
  windowSeconds: number;
  succeeded: number;
  failed: number;
  perSecond: number;
  failureRate: number;
}

interface Overview {
  queue: { due: number; scheduled: number; delivering: number; oldestDueAgeSeconds: number };
  lastFiveMinutes: Rates;
  lastHour: Rates;
  openCircuits: number;
  disabledEndpoints: number;
  generatedAt: string;
}

interface TroubledEndpoint {
  id: string;
  appId: string;
  url: string;
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  circuitOpenUntil: string | null;
  consecutiveFailures: number;
  failingSince: string | null;
}

interface OutboundIps {
  webhook_outbound_ips?: string[];
  [k: string]: unknown;
}

function Stat({
  label,
  value,
  tone,
}: {
  label: string;
  value: string | number;
  tone?: 'bad' | 'warn';
}) {
  return (
    <div class={`stat ${tone ? `stat-${tone}` : ''}`}>
      <span class="stat-value">{value}</span>
      <span class="stat-label">{label}</span>
    </div>
  );
}

export function OverviewPage() {
  useDocumentTitle('Overview');
  const overview = useAsync(() => api.get<Overview>('/overview'), []);
  const troubled = useCursorPages(
    (cursor) =>
      api.get<Page<TroubledEndpoint>>('/overview/troubled-endpoints', { cursor, limit: 25 }),
    [],
  );
  const ips = useAsync(() => api.get<OutboundIps>('/outbound-ips'), []);
  const o = overview.data;
  return (
    <>
      <div class="page-head">
        <h1>Overview</h1>
        <button
          type="button"
          class="btn btn-small"
          onClick={() => {
            overview.reload();
            troubled.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <Card title="Queue health">
        <ErrorBanner error={overview.error} title="Could not load the queue health" />
        {!o ? (
          !overview.error && <Loading />
        ) : (
          <div class="stats">
            <Stat
              label="due now"
              value={o.queue.due}
              tone={o.queue.due > 1000 ? 'warn' : undefined}
            />
            <Stat
              label="oldest due waiting"
              value={formatSeconds(o.queue.oldestDueAgeSeconds)}
              tone={o.queue.oldestDueAgeSeconds > 60 ? 'warn' : undefined}
            />
            <Stat label="scheduled retries" value={o.queue.scheduled} />
            <Stat label="being sent" value={o.queue.delivering} />
            <Stat label="attempts/s (5 min)" value={o.lastFiveMinutes.perSecond} />
            <Stat label="attempts last hour" value={o.lastHour.succeeded + o.lastHour.failed} />
            <Stat
              label="failure rate (1 h)"
              value={formatPercent(o.lastHour.failureRate)}
              tone={o.lastHour.failureRate > 0.1 ? 'bad' : undefined}
            />
            <Stat
              label="open circuits"
              value={o.openCircuits}
              tone={o.openCircuits ? 'warn' : undefined}
            />
            <Stat
              label="disabled endpoints"
              value={o.disabledEndpoints}
              tone={o.disabledEndpoints ? 'warn' : undefined}
            />
          </div>
        )}
      </Card>
      <Card title="Endpoints needing attention">
        <PagedTable
          pages={troubled}
          label="endpoints needing attention"
          rowKey={(e) => e.id}
          empty="None: no endpoint is disabled or has an open circuit."
          columns={[
            {
              label: 'Endpoint',
              render: (e) => (
                <Link to={path`apps/${e.appId}/endpoints/${e.id}`}>
                  <span class="break">{e.url}</span>
                </Link>
              ),
            },
            {
              label: 'App',
              render: (e) => (
                <Link to={path`apps/${e.appId}`}>
                  <code>{e.appId}</code>
                </Link>
              ),
            },
            {
              label: 'State',
              render: (e) =>
                e.disabled ? (
                  <>
                    <Badge tone="bad">disabled</Badge>{' '}
                    {e.disabledReason && <span class="muted break">{e.disabledReason}</span>}
                  </>
                ) : (
                  <Badge tone="warn">
                    circuit open until {new Date(e.circuitOpenUntil!).toLocaleTimeString()}
                  </Badge>
                ),
            },
            { label: 'Failures in a row', numeric: true, render: (e) => e.consecutiveFailures },
            { label: 'Failing since', render: (e) => formatAgo(e.failingSince) },
          ]}
        />
      </Card>
      <Card title="Outbound IP addresses">
        <p class="muted">
          Receivers that allowlist senders need these (public: GET /api/v1/outbound-ips).
        </p>
        <ErrorBanner error={ips.error} title="Could not load the outbound IPs" />
        {ips.data &&
          (Array.isArray(ips.data.webhook_outbound_ips) &&
          ips.data.webhook_outbound_ips.length > 0 ? (
            <ul class="chips">
              {ips.data.webhook_outbound_ips.map((a) => (
                <li key={a}>
                  <code>{a}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">No fixed outbound addresses are configured (OUTBOUND_IPS).</p>
          ))}
      </Card>
    </>
  );
}
