import { useState } from 'preact/hooks';
import { CopyButton } from './ui';

/**
 * A JSON value pretty-printed, with the compact text (as the API returned it, key order kept)
 * one click away and a copy button. Long values scroll inside the box, never the page.
 */
export function JsonView({ value, label = 'JSON' }: { value: unknown; label?: string }) {
  const [compact, setCompact] = useState(false);
  const pretty = JSON.stringify(value, null, 2) ?? 'undefined';
  const text = JSON.stringify(value) ?? 'undefined';
  return (
    <div class="json">
      <div class="json-bar">
        <span class="muted">{label}</span>
        <button
          type="button"
          class="btn btn-small"
          aria-pressed={compact}
          onClick={() => setCompact(!compact)}
        >
          {compact ? 'Pretty' : 'Compact text'}
        </button>
        <CopyButton text={compact ? text : pretty} />
      </div>
      <pre tabIndex={0} aria-label={label}>
        {compact ? text : pretty}
      </pre>
    </div>
  );
}

/** Fields of a record that a page does not show on its own (e.g. added by a newer server). */
export function ExtraFields({
  record,
  known,
}: {
  record: Record<string, unknown>;
  known: string[];
}) {
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !known.includes(k)));
  if (Object.keys(extra).length === 0) return null;
  return (
    <details class="extra">
      <summary>Other fields ({Object.keys(extra).length})</summary>
      <JsonView value={extra} label="Other fields" />
    </details>
  );
}
