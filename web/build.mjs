// Builds every browser entry (web/src/<entry>/index.html) into dist/public/<entry>/, served by
// the service at /<entry>/. `npm run build` runs this after `nest build` (which empties dist/).
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The operator console and the customer portal; both reuse web/src/shared. */
const ENTRIES = ['console', 'portal'];

for (const entry of ENTRIES) {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(here, 'src', entry),
    base: `/${entry}/`,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: join(here, '..', 'dist', 'public', entry),
      emptyOutDir: true,
      target: 'es2022',
      // No source maps in the served build: smaller, and nothing extra to cache.
      sourcemap: false,
    },
  });
}
