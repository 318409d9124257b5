import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A minimal history router for one mount point (`/console/`, `/portal/`): routes are paths
 * below the base; the server answers index.html for every one of them.
 */
let base = '/';

export function setRouterBase(b: string): void {
  base = b.endsWith('/') ? b : `${b}/`;
}

export function currentPath(): string {
  const p = window.location.pathname;
  return p.startsWith(base) ? p.slice(base.length) : '';
}

export function href(to: string): string {
  return base + to.replace(/^\//, '');
}

export function navigate(to: string, replace = false): void {
  const url = href(to);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

/** The current path below the base and its query, re-rendered on navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const read = () => ({ path: currentPath(), search: new URLSearchParams(window.location.search) });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return loc;
}

/** Matches `apps/:appId/endpoints/:endpointId` against a path; params are decoded. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split('/').filter(Boolean);
  const xs = path.split('/').filter(Boolean);
  if (ps.length !== xs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(':')) params[ps[i].slice(1)] = decodeURIComponent(xs[i]);
    else if (ps[i] !== xs[i]) return null;
  }
  return params;
}

export function Link(props: {
  to: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page';
}) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={href(props.to)}
      class={props.class}
      onClick={onClick}
      aria-current={props['aria-current']}
    >
      {props.children}
    </a>
  );
}
