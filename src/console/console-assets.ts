import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** One built file of the console, held in memory (the whole build is ~100 KB). */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The browser apps talk only to this origin's /api/v1; nothing inline, no third party. Styles
 * set through the CSSOM (Preact's style props) are not governed by style-src. The portal also
 * shows the app's logo (an https URL the operator set), and may be framed by the operator's
 * site (PORTAL_FRAME_ANCESTORS); the console is never framed.
 */
function browserAppCsp(imgSrc: string, frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${imgSrc}`,
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export const CONSOLE_CSP = browserAppCsp("'self' data:", "'none'");

export const portalCsp = (frameAncestors: string): string =>
  browserAppCsp("'self' data: https:", frameAncestors);

/** Vite names files under assets/ by content hash: they never change, so cache them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashes: always revalidate it. */
const REVALIDATE = 'no-cache';

/**
 * One built single-page app (the operator console or the customer portal): every file
 * under `dir`, keyed by its path relative to `dir` with forward slashes. Read once at start.
 */
export class ConsoleAssets {
  private constructor(private readonly files: ReadonlyMap<string, ConsoleAsset>) {}

  static load(dir: string): ConsoleAssets | null {
    if (!existsSync(join(dir, 'index.html'))) return null;
    const files = new Map<string, ConsoleAsset>();
    const walk = (folder: string): void => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) {
          walk(path);
          continue;
        }
        const key = relative(dir, path).split(sep).join('/');
        files.set(key, {
          body: readFileSync(path),
          contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
          cacheControl: key.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
        });
      }
    };
    walk(dir);
    return new ConsoleAssets(files);
  }

  /**
   * The file for a path below the mount point (`''`, `apps/app_1`, `assets/index-abc.js`):
   * an existing file, else index.html so the client-side router can show the page — except
   * under assets/, where a missing file is a real 404 (a stale hash must not get HTML).
   */
  resolve(path: string): ConsoleAsset | null {
    const file = this.files.get(path);
    if (file) return file;
    if (path.startsWith('assets/')) return null;
    return this.files.get('index.html') ?? null;
  }
}
