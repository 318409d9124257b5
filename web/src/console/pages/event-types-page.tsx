import { useState } from 'preact/hooks';
import type { Page } from '../../shared/api';
import { formatTime } from '../../shared/format';
import { useCursorPages } from '../../shared/hooks';
import { ExtraFields, JsonView } from '../../shared/json-view';
import { Pager } from '../../shared/table';
import type { EventType } from '../../shared/types';
import { Badge, Card, Empty, ErrorBanner, Loading, useDocumentTitle } from '../../shared/ui';
import { api } from '../session';

const KNOWN = ['name', 'description', 'schema', 'archived', 'createdAt', 'updatedAt', 'examples'];

/** The catalog: each type with its description, JSON Schema and examples (when the API has them). */
export function EventTypesPage() {
  useDocumentTitle('Event types');
  const [archived, setArchived] = useState(false);
  const pages = useCursorPages(
    (cursor) =>
      api.get<Page<EventType>>('/event-types', {
        cursor,
        limit: 50,
        archived: archived ? true : undefined,
      }),
    [archived],
  );
  return (
    <>
      <div class="page-head">
        <h1>Event types</h1>
        <label class="inline">
          <input
            type="checkbox"
            checked={archived}
            onChange={(e) => setArchived(e.currentTarget.checked)}
          />{' '}
          archived only
        </label>
      </div>
      <ErrorBanner error={pages.error} title="Could not load the event types" />
      {!pages.data ? (
        !pages.error && <Loading />
      ) : pages.data.data.length === 0 ? (
        <Card>
          <Empty>
            {archived
              ? 'No archived event types.'
              : 'The catalog is empty: event types are created with POST /api/v1/event-types (optional; any name can be sent).'}
          </Empty>
        </Card>
      ) : (
        pages.data.data.map((t) => (
          <Card
            key={t.name}
            title={<code class="break">{t.name}</code>}
            actions={t.archived ? <Badge>archived</Badge> : undefined}
          >
            <p>{t.description || <span class="muted">No description.</span>}</p>
            <p class="muted">Updated {formatTime(t.updatedAt)}</p>
            {t.schema ? (
              <details>
                <summary>JSON Schema</summary>
                <JsonView value={t.schema} label={`Schema of ${t.name}`} />
              </details>
            ) : (
              <p class="muted">No schema: payloads are not validated.</p>
            )}
            {Array.isArray(t.examples) && t.examples.length > 0 && (
              <details>
                <summary>Examples ({t.examples.length})</summary>
                {t.examples.map((x, i) => (
                  <JsonView key={i} value={x} label={`Example ${i + 1}`} />
                ))}
              </details>
            )}
            <ExtraFields record={t} known={KNOWN} />
          </Card>
        ))
      )}
      <Pager pages={pages as never} label="event types" />
    </>
  );
}
