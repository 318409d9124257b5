import type { ComponentChildren } from 'preact';
import type { CursorPages } from './hooks';
import { Empty, ErrorBanner, Loading } from './ui';

export interface Column<T> {
  label: string;
  render: (row: T) => ComponentChildren;
  /** Narrow, right-aligned numbers. */
  numeric?: boolean;
}

/**
 * A table that becomes a list of cards on a phone (each cell labelled by its column, via
 * data-label and CSS), so no page scrolls sideways at 390 px.
 */
export function DataTable<T>(props: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  caption?: string;
}) {
  return (
    <div class="table-wrap">
      <table class="table">
        {props.caption && <caption class="sr-only">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.label} scope="col" class={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {props.columns.map((c) => (
                <td key={c.label} data-label={c.label} class={c.numeric ? 'num' : undefined}>
                  {/* One element per cell: on a phone the cell is a two-column grid (label, value). */}
                  <div>{c.render(row)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ pages, label }: { pages: CursorPages<unknown>; label: string }) {
  if (!pages.hasPrevious && !pages.hasNext) return null;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button
        type="button"
        class="btn btn-small"
        disabled={!pages.hasPrevious || pages.loading}
        onClick={pages.previous}
      >
        ← Previous
      </button>
      <span class="muted">Page {pages.pageNumber}</span>
      <button
        type="button"
        class="btn btn-small"
        disabled={!pages.hasNext || pages.loading}
        onClick={pages.next}
      >
        Next →
      </button>
    </nav>
  );
}

/** A cursor-paged list with its loading, error and empty states. */
export function PagedTable<T>(props: {
  pages: CursorPages<T>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  label: string;
  empty: ComponentChildren;
}) {
  const { pages } = props;
  return (
    <div aria-busy={pages.loading}>
      <ErrorBanner error={pages.error} title={`Could not load ${props.label}`} />
      {pages.data === undefined ? (
        pages.error ? null : (
          <Loading />
        )
      ) : pages.data.data.length === 0 ? (
        <Empty>{props.empty}</Empty>
      ) : (
        <DataTable
          rows={pages.data.data}
          columns={props.columns}
          rowKey={props.rowKey}
          caption={props.label}
        />
      )}
      <Pager pages={pages as CursorPages<unknown>} label={props.label} />
    </div>
  );
}
