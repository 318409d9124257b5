import { useEffect, useState } from 'preact/hooks';
import { useAsync } from '../shared/hooks';
import { Link, match, useLocation } from '../shared/router';
import { ErrorBanner, Loading } from '../shared/ui';
import { EndpointPage } from './pages/endpoint-page';
import { EndpointsPage } from './pages/endpoints-page';
import { EventTypesPage } from './pages/event-types-page';
import { type PortalSessionInfo, PortalContext, toPortal } from './portal-context';
import { api, portalSession } from './session';

/** The app's primary colour on the shared stylesheet's variables (CSSOM: allowed by the CSP). */
function useTheme(color: string | null | undefined): void {
  useEffect(() => {
    if (!color || !/^#[0-9a-fA-F]{6}$/.test(color)) return;
    document.documentElement.style.setProperty('--primary', color);
  }, [color]);
}

function SessionEnded({ never }: { never: boolean }) {
  return (
    <main id="main" class="portal-ended">
      <section class="card" role="alert">
        <h1>{never ? 'No portal session' : 'This session has ended'}</h1>
        <p>
          {never
            ? 'Open the webhook portal from the link or page your provider gives you.'
            : 'The link has expired or was revoked. Go back to the page you came from and open the webhook portal again for a new session.'}
        </p>
      </section>
    </main>
  );
}

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '') return <EndpointsPage />;
  if ((m = match('endpoints/:endpointId', path))) return <EndpointPage endpointId={m.endpointId} />;
  if (match('event-types', path)) return <EventTypesPage />;
  return (
    <section class="card">
      <h1>Not found</h1>
      <p>
        No page at this address. <Link to="">Go to your endpoints</Link>.
      </p>
    </section>
  );
}

export function PortalApp() {
  const [ended, setEnded] = useState(portalSession.hasEnded());
  useEffect(() => portalSession.subscribe(() => setEnded(portalSession.hasEnded())), []);
  const info = useAsync(
    () =>
      portalSession.hasToken()
        ? api.get<PortalSessionInfo>('/portal/session')
        : Promise.resolve(null),
    [],
  );
  useTheme(info.data?.app.primaryColor);
  const { path } = useLocation();

  if (ended) return <SessionEnded never={false} />;
  if (!portalSession.hasToken()) return <SessionEnded never />;
  if (info.error) return <ErrorBanner error={info.error} title="Could not open the portal" />;
  if (!info.data) return <Loading label="Opening the portal…" />;
  const portal = toPortal(info.data);
  const nav = [
    { to: '', label: 'Endpoints', active: path === '' || path.startsWith('endpoints') },
    ...(portal.can('event-types:read')
      ? [{ to: 'event-types', label: 'Event types', active: path.startsWith('event-types') }]
      : []),
  ];
  return (
    <PortalContext.Provider value={portal}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar portal-topbar">
        <Link to="" class="brand">
          {portal.app.logoUrl && (
            <img class="portal-logo" src={portal.app.logoUrl} alt="" referrerpolicy="no-referrer" />
          )}
          <span class="break">{portal.app.name}</span>
          <span class="portal-subtitle">Webhooks</span>
        </Link>
        <nav aria-label="Main">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} aria-current={n.active ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </PortalContext.Provider>
  );
}
