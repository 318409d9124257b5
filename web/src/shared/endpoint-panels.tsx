import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiClient, type Page } from './api';
import { formatDuration } from './format';
import {
  EndpointForm,
  type EndpointFormValue,
  JsonTextarea,
  parseJsonObject,
  SubscriptionForm,
} from './forms';
import { useCursorPages } from './hooks';
import { type Column, PagedTable } from './table';
import type { Endpoint, Subscription, TestEventOutcome } from './types';
import {
  Badge,
  Card,
  ConfirmButton,
  ErrorBanner,
  Field,
  Notice,
  ToggleButton,
  useAction,
  valueOf,
} from './ui';

/**
 * An endpoint's panels that the console and the customer portal both show; each takes the
 * app's API client (the credential differs) and hides what the credential may not do.
 */

/** An endpoint's state as one badge: disabled, circuit open, failing or healthy. */
export function endpointState(e: Endpoint) {
  if (e.disabled)
    return (
      <span title={e.disabledReason ?? undefined}>
        <Badge tone="bad">disabled</Badge>
      </span>
    );
  if (e.health.circuitOpenUntil && new Date(e.health.circuitOpenUntil) > new Date())
    return <Badge tone="warn">circuit open</Badge>;
  if (e.health.consecutiveFailures > 0) return <Badge tone="warn">failing</Badge>;
  return <Badge tone="ok">healthy</Badge>;
}

/** POST …/endpoints with a new endpoint's form; what the form leaves empty is not sent. */
export function createEndpoint(api: ApiClient, endpoints: string, v: EndpointFormValue) {
  const body: Record<string, unknown> = {
    url: v.url,
    description: v.description,
    headers: v.headers,
  };
  if (v.rateLimit !== null) body.rateLimit = v.rateLimit;
  if (v.retrySchedule !== null) body.retrySchedule = v.retrySchedule;
  if (v.eventTypes?.length) body.eventTypes = v.eventTypes;
  if (v.filter) body.filter = v.filter;
  return api.post<Endpoint>(endpoints, body);
}

/**
 * The endpoint page's head: the URL, the state, Enable/Disable and Edit (when `canWrite`) and
 * the edit card that Edit opens. `actions` follow the buttons; `intro` stands under the head.
 */
export function EndpointHead({
  api,
  base,
  endpoint: e,
  onChanged,
  canWrite = true,
  actions,
  intro,
}: {
  api: ApiClient;
  base: string;
  endpoint: Endpoint;
  onChanged: () => void;
  canWrite?: boolean;
  actions?: ComponentChildren;
  intro?: ComponentChildren;
}) {
  const [editing, setEditing] = useState(false);
  const toggle = useAction(async (disabled: boolean) => {
    await api.patch(base, { disabled });
    onChanged();
  });
  return (
    <>
      <div class="page-head">
        <h1 class="break">{e.url}</h1>
        <div class="actions">
          {endpointState(e)}
          {canWrite && (
            <>
              <button
                type="button"
                class="btn"
                disabled={toggle.busy}
                onClick={() => toggle.go(!e.disabled)}
              >
                {e.disabled ? 'Enable' : 'Disable'}
              </button>
              <ToggleButton open={editing} onToggle={setEditing}>
                Edit
              </ToggleButton>
            </>
          )}
          {actions}
        </div>
      </div>
      {intro}
      <ErrorBanner error={toggle.error} title="Not changed" />
      {editing && (
        <Card title="Edit endpoint">
          <EndpointForm
            initial={e}
            submitLabel="Save"
            onCancel={() => setEditing(false)}
            onSubmit={async (v) => {
              await api.patch(base, {
                url: v.url,
                description: v.description,
                rateLimit: v.rateLimit,
                retrySchedule: v.retrySchedule,
                headers: v.headers,
              });
              setEditing(false);
              onChanged();
            }}
          />
        </Card>
      )}
    </>
  );
}

export function SigningSecret({
  api,
  base,
  canReveal = true,
  canRotate = true,
}: {
  api: ApiClient;
  base: string;
  canReveal?: boolean;
  canRotate?: boolean;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  return (
    <Card title="Signing secret">
      <p class="muted">
        Receivers verify signatures with it. After a rotation the previous secret keeps signing for
        24 hours.
      </p>
      {secret && (
        <div class="secret" aria-live="polite">
          {note && <Notice kind="success">{note}</Notice>}
          <code class="break" data-testid="secret">
            {secret}
          </code>
        </div>
      )}
      <div class="actions">
        {canReveal && (
          <ConfirmButton
            label="Reveal"
            title="Reveal the signing secret?"
            body={<p>Anyone who sees it can forge webhooks to this endpoint.</p>}
            onConfirm={async () => {
              setSecret((await api.get<{ key: string }>(`${base}/secret`)).key);
              setNote(null);
            }}
          />
        )}
        {canRotate && (
          <ConfirmButton
            label="Rotate"
            title="Rotate the signing secret?"
            body={
              <p>
                A new secret signs from now on; the previous one also signs for 24 hours so the
                receiver can switch.
              </p>
            }
            onConfirm={async () => {
              setSecret((await api.post<{ key: string }>(`${base}/secret/rotate`, {})).key);
              setNote('Rotated. The new secret:');
            }}
          />
        )}
        {secret && (
          <button type="button" class="btn" onClick={() => setSecret(null)}>
            Hide
          </button>
        )}
      </div>
    </Card>
  );
}

/** POST …/test (the test-event route): 200 with the outcome, or 202 when still running. */
export function TestEvent({
  api,
  base,
  onSent,
  eventTypes,
}: {
  api: ApiClient;
  base: string;
  onSent: () => void;
  /** Known event type names, offered as suggestions. */
  eventTypes?: string[];
}) {
  const [eventType, setEventType] = useState('');
  const [payload, setPayload] = useState('');
  const [result, setResult] = useState<{ status: number; body: TestEventOutcome } | null>(null);
  const send = useAction(async () => {
    setResult(null);
    const p = parseJsonObject(payload, 'payload');
    if ('error' in p) throw new Error(p.error);
    setResult(
      await api.postWithStatus<TestEventOutcome>(`${base}/test`, {
        eventType: eventType.trim(),
        ...(p.value ? { payload: p.value } : {}),
      }),
    );
    onSent();
  });
  const o = result?.body.outcome;
  return (
    <Card title="Send a test event">
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void send.go();
        }}
      >
        <Field label="Event type">
          <input
            required
            value={eventType}
            onInput={(e) => setEventType(valueOf(e))}
            placeholder="invoice.paid"
            list={eventTypes?.length ? 'test-event-types' : undefined}
          />
        </Field>
        {eventTypes && eventTypes.length > 0 && (
          <datalist id="test-event-types">
            {eventTypes.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        )}
        <Field label="Payload (JSON, optional)" hint="Empty: an example payload.">
          <JsonTextarea rows={2} value={payload} onValue={setPayload} />
        </Field>
        <div class="actions">
          <button type="submit" class="btn" disabled={send.busy}>
            {send.busy ? 'Sending…' : 'Send test event'}
          </button>
        </div>
      </form>
      <ErrorBanner error={send.error} title="Not sent" />
      {result && (
        <div role="status">
          {o ? (
            <Notice kind={o.succeeded ? 'success' : 'warning'}>
              {o.succeeded ? 'Delivered' : 'Failed'}: {o.statusCode ?? o.errorClass ?? 'no answer'}{' '}
              in {formatDuration(o.durationMs)}
              {o.responseBody && <pre tabIndex={0}>{o.responseBody.slice(0, 500)}</pre>}
            </Notice>
          ) : (
            <Notice>
              Queued (still being sent). Delivery <code>{result.body.deliveryId}</code>.
            </Notice>
          )}
        </div>
      )}
    </Card>
  );
}

export function Subscriptions({
  api,
  base,
  canWrite = true,
  eventTypes,
}: {
  api: ApiClient;
  base: string;
  canWrite?: boolean;
  /** Known event type names, offered as suggestions in the editor. */
  eventTypes?: string[];
}) {
  const pages = useCursorPages(
    (cursor) => api.get<Page<Subscription>>(`${base}/subscriptions`, { cursor, limit: 25 }),
    [base],
  );
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const editRow = pages.data?.data.find((s) => s.id === editing);
  const actionsColumn: Column<Subscription> = {
    label: 'Actions',
    render: (s) => (
      <div class="actions">
        <button type="button" class="btn btn-small" onClick={() => setEditing(s.id)}>
          Edit
        </button>
        <ConfirmButton
          class="btn btn-small btn-danger"
          label="Delete"
          danger
          title="Delete this subscription?"
          body={<p>Messages of {s.eventTypes.join(', ')} stop going to this endpoint.</p>}
          onConfirm={async () => {
            await api.del(`${base}/subscriptions/${encodeURIComponent(s.id)}`);
            pages.reload();
          }}
        />
      </div>
    ),
  };
  return (
    <Card
      title="Subscriptions"
      actions={
        canWrite && (
          <ToggleButton open={creating} onToggle={setCreating}>
            New subscription
          </ToggleButton>
        )
      }
    >
      {creating && (
        <SubscriptionForm
          eventTypes={eventTypes}
          submitLabel="Create subscription"
          onCancel={() => setCreating(false)}
          onSubmit={async (v) => {
            await api.post(`${base}/subscriptions`, {
              eventTypes: v.eventTypes,
              ...(v.filter ? { filter: v.filter } : {}),
            });
            setCreating(false);
            pages.reload();
          }}
        />
      )}
      {editRow && (
        <SubscriptionForm
          key={editRow.id}
          initial={editRow}
          eventTypes={eventTypes}
          submitLabel="Save subscription"
          onCancel={() => setEditing(null)}
          onSubmit={async (v) => {
            await api.patch(`${base}/subscriptions/${encodeURIComponent(editRow.id)}`, v);
            setEditing(null);
            pages.reload();
          }}
        />
      )}
      <PagedTable
        pages={pages}
        label="subscriptions"
        rowKey={(s) => s.id}
        empty="No subscriptions: this endpoint receives nothing."
        columns={[
          {
            label: 'Event types',
            render: (s) => (
              <span class="break">
                {s.eventTypes.map((t) => (
                  <code key={t} class="chip">
                    {t}
                  </code>
                ))}
              </span>
            ),
          },
          {
            label: 'Filter',
            render: (s) =>
              s.filter ? (
                <code class="break">{JSON.stringify(s.filter)}</code>
              ) : (
                <span class="muted">none</span>
              ),
          },
          ...(canWrite ? [actionsColumn] : []),
        ]}
      />
    </Card>
  );
}
