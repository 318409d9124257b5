import { render } from 'preact';
import '../shared/styles.css';
import { setRouterBase } from '../shared/router';
import { PortalApp } from './portal-app';
import { portalSession } from './session';

// First thing, before anything renders or fetches: the token leaves the URL.
portalSession.takeTokenFromFragment();
setRouterBase('/portal/');
render(<PortalApp />, document.getElementById('root')!);
