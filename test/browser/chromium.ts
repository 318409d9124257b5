import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Names the system's Chromium goes by (Debian: `chromium`). */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export type ChromiumLookup = { path: string } | { missing: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (it must exist), else the
 * first of CANDIDATES on PATH. Playwright's own browser download is not used: it cannot be
 * fetched on every machine, and Debian's package can (see README, "Browser tests").
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const explicit = env.CHROMIUM_PATH;
  if (explicit)
    return executable(explicit)
      ? { path: explicit }
      : { missing: `CHROMIUM_PATH=${explicit} is not an executable file` };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of CANDIDATES) {
      const path = join(dir, name);
      if (executable(path)) return { path };
    }
  return {
    missing: 'no Chromium found (set CHROMIUM_PATH, or install one: apt-get install -y chromium)',
  };
}
