import { useState } from 'preact/hooks';
import type { Endpoint, Subscription } from './types';
import { ErrorBanner, Field, useAction, valueOf } from './ui';

/** "a.b, c.*" → ["a.b", "c.*"] */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Empty → null; otherwise a JSON object or a message saying why not. */
export function parseJsonObject(
  text: string,
  field: string,
): { value: Record<string, unknown> | null } | { error: string } {
  if (!text.trim()) return { value: null };
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      return { error: `${field} must be a JSON object` };
    return { value: v as Record<string, unknown> };
  } catch (e) {
    return { error: `${field} is not valid JSON: ${(e as Error).message}` };
  }
}

/** A textarea for JSON (read it with parseJsonObject): no spell checking. */
export function JsonTextarea(props: {
  rows: number;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <textarea
      rows={props.rows}
      value={props.value}
      onInput={(x) => props.onValue(valueOf(x))}
      spellcheck={false}
    />
  );
}

/**
 * The event type catalog as toggles next to the patterns field: ticking one adds its name to
 * the comma-separated list, unticking removes it (patterns typed by hand are kept).
 */
export function EventTypeChoices(props: {
  catalog: string[];
  value: string;
  onChange: (value: string) => void;
}) {
  const chosen = new Set(splitList(props.value));
  const toggle = (name: string) => {
    const next = splitList(props.value).filter((t) => t !== name && t !== '*');
    if (!chosen.has(name)) next.push(name);
    props.onChange(next.join(', '));
  };
  return (
    <fieldset class="choices">
      <legend class="field-label">From the catalog</legend>
      {props.catalog.map((name) => (
        <label key={name} class="choice">
          <input type="checkbox" checked={chosen.has(name)} onChange={() => toggle(name)} />
          <code>{name}</code>
        </label>
      ))}
    </fieldset>
  );
}

const FILTER_HINT =
  'Optional JSON payload filter, e.g. {"data.amount": {"$gte": 100}}. Empty: every payload.';

export interface EndpointFormValue {
  url: string;
  description: string;
  rateLimit: number | null;
  retrySchedule: string[] | null;
  headers: Record<string, string>;
  eventTypes?: string[];
  filter?: Record<string, unknown>;
}

/**
 * Creates or edits an endpoint. On create it also takes the first subscription (event type
 * patterns and a payload filter). `onSubmit` gets only what the API needs; its error
 * (with field details) is shown under the form.
 */
export function EndpointForm(props: {
  initial?: Endpoint;
  /** Event type names from the catalog, offered as choices for the first subscription. */
  catalog?: string[];
  submitLabel: string;
  onSubmit: (value: EndpointFormValue) => Promise<void>;
  onCancel?: () => void;
}) {
  const e = props.initial;
  const [url, setUrl] = useState(e?.url ?? '');
  const [description, setDescription] = useState(e?.description ?? '');
  const [rateLimit, setRateLimit] = useState(e?.rateLimit == null ? '' : String(e.rateLimit));
  const [retry, setRetry] = useState(e?.retrySchedule?.join(', ') ?? '');
  const [headers, setHeaders] = useState(
    e && Object.keys(e.headers).length ? JSON.stringify(e.headers, null, 2) : '',
  );
  const first = useSubscriptionDraft('*', '');
  const save = useAction(props.onSubmit);

  const submit = (ev: Event) => {
    ev.preventDefault();
    const h = parseJsonObject(headers, 'headers');
    if ('error' in h) return save.setError(new Error(h.error));
    const value: EndpointFormValue = {
      url: url.trim(),
      description,
      rateLimit: rateLimit.trim() === '' ? null : Number(rateLimit),
      retrySchedule: retry.trim() === '' ? null : splitList(retry),
      headers: (h.value ?? {}) as Record<string, string>,
    };
    if (!e) {
      const f = first.read();
      if ('error' in f) return save.setError(new Error(f.error));
      value.eventTypes = f.eventTypes;
      if (f.filter) value.filter = f.filter;
    }
    void save.go(value);
  };

  return (
    <form class="form" onSubmit={submit}>
      <Field label="URL" hint="Where webhooks are POSTed (https in production).">
        <input
          type="url"
          required
          value={url}
          onInput={(x) => setUrl(valueOf(x))}
          placeholder="https://example.com/webhooks"
        />
      </Field>
      <Field label="Description">
        <input value={description} onInput={(x) => setDescription(valueOf(x))} maxLength={1024} />
      </Field>
      <div class="form-row">
        <Field label="Rate limit (per second)" hint="Empty: unlimited.">
          <input
            type="number"
            min={1}
            value={rateLimit}
            onInput={(x) => setRateLimit(valueOf(x))}
          />
        </Field>
        <Field label="Retry schedule" hint='e.g. "5m, 30m, 2h". Empty: the app default.'>
          <input value={retry} onInput={(x) => setRetry(valueOf(x))} />
        </Field>
      </div>
      <Field label="Extra headers (JSON object)" hint='e.g. {"X-Team": "billing"}'>
        <JsonTextarea rows={2} value={headers} onValue={setHeaders} />
      </Field>
      {!e && <SubscriptionFields draft={first} catalog={props.catalog} />}
      <FormEnd action={save} submitLabel={props.submitLabel} onCancel={props.onCancel} />
    </form>
  );
}

export interface SubscriptionFormValue {
  eventTypes: string[];
  filter: Record<string, unknown> | null;
}

/** The pattern and payload-filter editor of one subscription. */
export function SubscriptionForm(props: {
  initial?: Subscription;
  eventTypes?: string[];
  submitLabel: string;
  onSubmit: (value: SubscriptionFormValue) => Promise<void>;
  onCancel?: () => void;
}) {
  const draft = useSubscriptionDraft(
    props.initial?.eventTypes.join(', ') ?? '',
    props.initial?.filter ? JSON.stringify(props.initial.filter, null, 2) : '',
  );
  const save = useAction(props.onSubmit);
  const submit = (ev: Event) => {
    ev.preventDefault();
    const value = draft.read();
    if ('error' in value) return save.setError(new Error(value.error));
    void save.go(value);
  };
  return (
    <form class="form" onSubmit={submit}>
      <SubscriptionFields required draft={draft} catalog={props.eventTypes} />
      <FormEnd action={save} submitLabel={props.submitLabel} onCancel={props.onCancel} />
    </form>
  );
}

/** A subscription's text as typed: the event type patterns and the payload filter. */
function useSubscriptionDraft(initialEventTypes: string, initialFilter: string) {
  const [eventTypes, setEventTypes] = useState(initialEventTypes);
  const [filter, setFilter] = useState(initialFilter);
  /** The patterns as a list and the filter as an object, or why the filter is not one. */
  const read = (): SubscriptionFormValue | { error: string } => {
    const f = parseJsonObject(filter, 'filter');
    return 'error' in f ? f : { eventTypes: splitList(eventTypes), filter: f.value };
  };
  return { eventTypes, setEventTypes, filter, setFilter, read };
}

/**
 * A subscription's fields, in a new endpoint's form and in the subscription editor: the event
 * type patterns (with the catalog as toggles) and the payload filter.
 */
function SubscriptionFields(props: {
  draft: ReturnType<typeof useSubscriptionDraft>;
  catalog?: string[];
  required?: boolean;
}) {
  const d = props.draft;
  return (
    <>
      <Field
        label="Event types"
        hint='Patterns separated by commas: "invoice.paid", "invoice.*" or "*".'
      >
        <input
          required={props.required}
          value={d.eventTypes}
          onInput={(x) => d.setEventTypes(valueOf(x))}
        />
      </Field>
      {props.catalog && props.catalog.length > 0 && (
        <EventTypeChoices catalog={props.catalog} value={d.eventTypes} onChange={d.setEventTypes} />
      )}
      <Field label="Payload filter (JSON)" hint={FILTER_HINT}>
        <JsonTextarea rows={3} value={d.filter} onValue={d.setFilter} />
      </Field>
    </>
  );
}

/** A form's last lines: the error of its last submit, then Cancel (when offered) and submit. */
function FormEnd(props: {
  action: { error: unknown; busy: boolean };
  submitLabel: string;
  onCancel?: () => void;
}) {
  return (
    <>
      <ErrorBanner error={props.action.error} title="Not saved" />
      <div class="actions">
        {props.onCancel && (
          <button type="button" class="btn" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" class="btn btn-primary" disabled={props.action.busy}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}
