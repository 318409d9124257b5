import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleAssets } from './console-assets';

describe('ConsoleAssets', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<html>index</html>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is absent when the console was not built', () => {
    expect(ConsoleAssets.load(join(dir, 'nothing-here'))).toBeNull();
  });

  it.each([
    { path: '', body: '<html>index</html>', type: 'text/html', cache: 'no-cache' },
    {
      path: 'apps/app_1/endpoints/ep_1',
      body: '<html>index</html>',
      type: 'text/html',
      cache: 'no-cache',
    },
    {
      path: 'assets/index-abc.js',
      body: 'console.log(1)',
      type: 'text/javascript',
      cache: 'immutable',
    },
    { path: 'assets/index-abc.css', body: 'body{}', type: 'text/css', cache: 'immutable' },
  ])('answers "$path" with $type ($cache)', ({ path, body, type, cache }) => {
    const sut = ConsoleAssets.load(dir);
    const asset = sut?.resolve(path);
    expect(asset?.body.toString()).toBe(body);
    expect(asset?.contentType).toContain(type);
    expect(asset?.cacheControl).toContain(cache);
  });

  it.each(['assets/index-old.js', 'assets/'])(
    'answers nothing for the missing asset "%s"',
    (path) => {
      expect(ConsoleAssets.load(dir)?.resolve(path)).toBeNull();
    },
  );

  it('never reads outside its folder: a path with .. is just an unknown page', () => {
    expect(ConsoleAssets.load(dir)?.resolve('../../etc/passwd')?.body.toString()).toBe(
      '<html>index</html>',
    );
  });
});
