import { path } from '../shared/api';
import { Link } from '../shared/router';

/** Apps / <the app> / <here>: the crumbs of a page inside one app (its id until its name loads). */
export function AppCrumbs({
  appId,
  appName,
  here,
}: {
  appId: string;
  appName?: string;
  here: string;
}) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <Link to="apps">Apps</Link> /{' '}
      <Link to={path`apps/${appId}`}>
        <span class="break">{appName ?? appId}</span>
      </Link>{' '}
      / <span>{here}</span>
    </nav>
  );
}
