import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An API error as the user should read it: the message, then each field problem. */
export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div class="banner banner-error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <span>{errorText(error)}</span>
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={d.field + d.message}>
              <code>{d.field}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({
  children,
  kind = 'info',
}: {
  children: ComponentChildren;
  kind?: 'info' | 'success' | 'warning';
}) {
  return (
    <div class={`banner banner-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="muted" aria-busy="true">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'neutral';

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: Tone;
  children: ComponentChildren;
}) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function deliveryTone(status: string): Tone {
  return status === 'succeeded'
    ? 'ok'
    : status === 'failed'
      ? 'bad'
      : status === 'cancelled'
        ? 'neutral'
        : 'warn';
}

export function Card({
  title,
  children,
  actions,
}: {
  title?: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card">
      {(title || actions) && (
        <header class="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div class="actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

/**
 * A labelled control. The hint and the error sit outside the <label>, so the control's
 * accessible name is the label alone (they are still read next to it).
 */
export function Field(props: {
  label: string;
  hint?: string;
  children: ComponentChildren;
  error?: string;
}) {
  return (
    <div class="field">
      <label class="field-main">
        <span class="field-label">{props.label}</span>
        {props.children}
      </label>
      {props.hint && <span class="field-hint">{props.hint}</span>}
      {props.error && <span class="field-error">{props.error}</span>}
    </div>
  );
}

/** Opens and closes the form or panel it names; aria-expanded says which. */
export function ToggleButton(props: {
  open: boolean;
  onToggle: (open: boolean) => void;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={props.class ?? 'btn'}
      onClick={() => props.onToggle(!props.open)}
      aria-expanded={props.open}
    >
      {props.children}
    </button>
  );
}

/** Copies text; says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="btn btn-small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}
    >
      {done ? 'Copied' : label}
    </button>
  );
}

/**
 * A confirmation in a native modal <dialog> (focus moves into it, Esc cancels). `onConfirm`
 * may be async; its error is shown in the dialog.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  body: ComponentChildren;
  confirmLabel?: string;
  danger?: boolean;
  class?: string;
  onConfirm: () => Promise<void> | void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => ref.current?.close();
  return (
    <>
      <button
        type="button"
        class={props.class ?? `btn ${props.danger ? 'btn-danger' : ''}`}
        onClick={() => {
          setError(null);
          ref.current?.showModal();
        }}
      >
        {props.label}
      </button>
      <dialog ref={ref} class="dialog" aria-label={props.title}>
        <h2>{props.title}</h2>
        <div class="dialog-body">{props.body}</div>
        <ErrorBanner error={error} />
        <div class="actions">
          <button type="button" class="btn" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            class={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await props.onConfirm();
                close();
              } catch (e) {
                setError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            {props.confirmLabel ?? props.label}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Runs an action with a busy state and an error shown next to the button. */
export function useAction<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const go = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await run(...args);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, go, setError };
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Hookrelay`;
  }, [title]);
}

export function Definition({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="deflist">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export type InputEvent = TargetedEvent<
  HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  Event
>;
export const valueOf = (e: InputEvent) => e.currentTarget.value;
