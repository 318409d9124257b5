import { useState } from 'preact/hooks';
import { path, type Page } from '../../shared/api';
import { AttemptTimeline } from '../../shared/attempt-timeline';
import { formatTime } from '../../shared/format';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { JsonView } from '../../shared/json-view';
import { Link } from '../../shared/router';
import { Pager } from '../../shared/table';
import type { Attempt, MessageDetail } from '../../shared/types';
import {
  Badge,
  Card,
  Definition,
  deliveryTone,
  Empty,
  ErrorBanner,
  Loading,
  Notice,
  useAction,
  useDocumentTitle,
} from '../../shared/ui';
import { api } from '../session';

export function MessagePage({ appId, messageId }: { appId: string; messageId: string }) {
  const base = path`/apps/${appId}/messages/${messageId}`;
  const message = useAsync(() => api.get<MessageDetail>(base), [base]);
  const attempts = useCursorPages(
    (cursor) => api.get<Page<Attempt>>(`${base}/attempts`, { cursor, limit: 100 }),
    [base],
  );
  const [retried, setRetried] = useState<string | null>(null);
  const retry = useAction(async (deliveryId: string) => {
    await api.post(path`/apps/${appId}/deliveries/${deliveryId}/retry`);
    setRetried(deliveryId);
    setTimeout(() => {
      message.reload();
      attempts.reload();
    }, 1500);
  });
  useDocumentTitle(message.data?.eventType ?? 'Message');
  if (message.error)
    return <ErrorBanner error={message.error} title="Could not load the message" />;
  if (!message.data) return <Loading />;
  const m = message.data;
  const byDelivery = new Map<string, Attempt[]>();
  for (const a of attempts.data?.data ?? [])
    byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link to="apps">Apps</Link> / <Link to={path`apps/${appId}`}>App</Link> /{' '}
        <Link to={path`apps/${appId}/events`}>Events</Link> / <span>Message</span>
      </nav>
      <div class="page-head">
        <h1 class="break">{m.eventType}</h1>
        <button
          type="button"
          class="btn btn-small"
          onClick={() => {
            message.reload();
            attempts.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <Card>
        <Definition
          items={[
            ['Message', <code class="break">{m.id}</code>],
            ['Event id', m.eventId ?? '—'],
            ['Created', formatTime(m.createdAt)],
          ]}
        />
        <JsonView value={m.payload} label="Payload" />
      </Card>
      <Card title="Deliveries">
        <ErrorBanner error={retry.error} title="Not retried" />
        {retried && <Notice kind="success">Delivery {retried} queued again.</Notice>}
        <ErrorBanner error={attempts.error} title="Could not load the attempts" />
        {m.deliveries.length === 0 ? (
          <Empty>No endpoint was subscribed to this message.</Empty>
        ) : (
          <ul class="deliveries">
            {m.deliveries.map((d) => (
              <li key={d.id} class="delivery" data-delivery={d.id}>
                <div class="delivery-head">
                  <Badge tone={deliveryTone(d.status)}>{d.status}</Badge>
                  <Link to={path`apps/${appId}/endpoints/${d.endpointId}`}>
                    <code class="break">{d.endpointId}</code>
                  </Link>
                  <span class="muted">
                    {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                    {d.lastStatusCode !== null && <>, last answer {d.lastStatusCode}</>}
                    {d.nextAttemptAt && <>, next {formatTime(d.nextAttemptAt)}</>}
                  </span>
                  <button
                    type="button"
                    class="btn btn-small"
                    disabled={retry.busy}
                    onClick={() => retry.go(d.id)}
                    aria-label={`Retry delivery ${d.id}`}
                  >
                    Retry
                  </button>
                </div>
                {d.lastError && <p class="muted break">{d.lastError}</p>}
                {byDelivery.get(d.id) ? (
                  <AttemptTimeline attempts={byDelivery.get(d.id)!} />
                ) : (
                  <p class="muted">No attempt yet.</p>
                )}
              </li>
            ))}
          </ul>
        )}
        <Pager pages={attempts as never} label="attempts" />
      </Card>
    </>
  );
}
