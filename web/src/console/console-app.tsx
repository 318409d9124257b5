import { useEffect, useState } from 'preact/hooks';
import { Link, match, useLocation } from '../shared/router';
import { AppPage } from './pages/app-page';
import { AppsPage } from './pages/apps-page';
import { EndpointPage } from './pages/endpoint-page';
import { EventTypesPage } from './pages/event-types-page';
import { EventsPage } from './pages/events-page';
import { MessagePage } from './pages/message-page';
import { OverviewPage } from './pages/overview-page';
import { session } from './session';
import { SignIn } from './sign-in';

const NAV = [
  { to: '', label: 'Overview', active: (p: string) => p === '' },
  { to: 'apps', label: 'Apps', active: (p: string) => p.startsWith('apps') },
  { to: 'event-types', label: 'Event types', active: (p: string) => p.startsWith('event-types') },
];

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '') return <OverviewPage />;
  if (match('apps', path)) return <AppsPage />;
  if ((m = match('apps/:appId', path))) return <AppPage appId={m.appId} />;
  if ((m = match('apps/:appId/events', path))) return <EventsPage appId={m.appId} />;
  if ((m = match('apps/:appId/messages/:messageId', path)))
    return <MessagePage appId={m.appId} messageId={m.messageId} />;
  if ((m = match('apps/:appId/endpoints/:endpointId', path)))
    return <EndpointPage appId={m.appId} endpointId={m.endpointId} />;
  if (match('event-types', path)) return <EventTypesPage />;
  return (
    <section class="card">
      <h1>Not found</h1>
      <p>
        No console page at this address. <Link to="">Go to the overview</Link>.
      </p>
    </section>
  );
}

export function ConsoleApp() {
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  useEffect(() => session.subscribe(() => setSignedIn(session.key() !== null)), []);
  const { path } = useLocation();
  if (!signedIn) return <SignIn />;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link to="" class="brand">
          Hookrelay
        </Link>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} aria-current={n.active(path) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <button type="button" class="btn btn-small signout" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}
