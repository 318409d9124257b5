import { useState } from 'preact/hooks';
import { type ApiClient, type Page, path } from './api';
import { formatDuration, formatTime } from './format';
import { useCursorPages } from './hooks';
import { type Column, PagedTable } from './table';
import type { Attempt } from './types';
import { Badge, Card, ErrorBanner, Notice, useAction, valueOf } from './ui';

/** The endpoint's attempts, newest first, filtered by result, with a retry button per row. */
export function EndpointAttempts({
  api,
  appId,
  base,
  title,
  detail,
  canRetry = true,
  refresh,
}: {
  api: ApiClient;
  appId: string;
  base: string;
  title: string;
  /** The column after Duration: the console links the message, the portal shows the answer. */
  detail: Column<Attempt>;
  canRetry?: boolean;
  /** Loads the list again when it changes (a test event was sent). */
  refresh?: number;
}) {
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
    await api.post(path`/apps/${appId}/deliveries/${deliveryId}/retry`);
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
    detail,
  ];
  if (canRetry)
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
      title={title}
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
