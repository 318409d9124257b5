import { type Page } from '../../shared/api';
import { useCursorPages } from '../../shared/hooks';
import { JsonView } from '../../shared/json-view';
import { Pager } from '../../shared/table';
import type { EventType } from '../../shared/types';
import { Card, Empty, ErrorBanner, Loading, useDocumentTitle } from '../../shared/ui';
import { api } from '../session';

/** A JSON Schema's first example (`examples: [...]`), if it has one. */
function exampleOf(schema: Record<string, unknown> | null): unknown {
  const examples = schema?.examples;
  return Array.isArray(examples) && examples.length > 0 ? examples[0] : undefined;
}

/** The event type catalog: what can be subscribed to, with schemas and examples. */
export function EventTypesPage() {
  useDocumentTitle('Event types');
  const pages = useCursorPages(
    (cursor) => api.get<Page<EventType>>('/event-types', { cursor, limit: 50 }),
    [],
  );
  const types = pages.data?.data.filter((t) => !t.archived);
  return (
    <>
      <div class="page-head">
        <h1>Event types</h1>
      </div>
      <ErrorBanner error={pages.error} title="Could not load the event types" />
      {!types ? (
        !pages.error && <Loading />
      ) : types.length === 0 ? (
        <Empty>No event types are published yet.</Empty>
      ) : (
        types.map((t) => {
          const example = exampleOf(t.schema);
          return (
            <Card key={t.name} title={<code>{t.name}</code>}>
              <p>{t.description || <span class="muted">No description.</span>}</p>
              {example !== undefined && <JsonView value={example} label="Example payload" />}
              {t.schema ? (
                <details>
                  <summary>JSON Schema</summary>
                  <JsonView value={t.schema} label="Schema" />
                </details>
              ) : (
                <p class="muted">No schema: any JSON object.</p>
              )}
            </Card>
          );
        })
      )}
      <Pager pages={pages as never} label="event types" />
    </>
  );
}
