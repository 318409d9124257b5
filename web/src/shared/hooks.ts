import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from './api';

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; stale answers (from an older deps) are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: unknown) => mine === seq.current && setState({ error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface CursorPages<T> extends Async<Page<T>> {
  pageNumber: number;
  hasPrevious: boolean;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
}

/**
 * Keyset pagination over an API list: only the current page is held, with the cursors that
 * led to it (to go back). Resets to the first page when `deps` (the filters) change.
 */
export function useCursorPages<T>(
  load: (cursor: string | undefined) => Promise<Page<T>>,
  deps: unknown[],
): CursorPages<T> {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const key = JSON.stringify(deps);
  const [lastKey, setLastKey] = useState(key);
  if (key !== lastKey) {
    setLastKey(key);
    setCursors([undefined]);
  }
  const cursor = key === lastKey ? cursors[cursors.length - 1] : undefined;
  const page = useAsync(() => load(cursor), [key, cursor]);
  return {
    ...page,
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: !!page.data?.nextCursor,
    next: () => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor!]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}
