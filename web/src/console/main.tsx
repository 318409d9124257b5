import { render } from 'preact';
import '../shared/styles.css';
import { setRouterBase } from '../shared/router';
import { ConsoleApp } from './console-app';

setRouterBase('/console/');
render(<ConsoleApp />, document.getElementById('root')!);
