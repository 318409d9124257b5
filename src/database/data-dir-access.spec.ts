import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mayEnter, unreachableFolderProblem } from './data-dir-access';

describe('DATA_DIR access for the embedded PostgreSQL user', () => {
  const postgres = { uid: 70, gid: 70 };

  it.each([
    ['owned by it, u+x', { mode: 0o700, uid: 70, gid: 0 }, true],
    ['owned by it, no u+x', { mode: 0o070, uid: 70, gid: 70 }, false],
    ['its group, g+x', { mode: 0o750, uid: 0, gid: 70 }, true],
    ['its group, no g+x', { mode: 0o705, uid: 0, gid: 70 }, false],
    ['others, o+x', { mode: 0o711, uid: 0, gid: 0 }, true],
    ['others, 0700 (mkdtemp)', { mode: 0o700, uid: 0, gid: 0 }, false],
  ])('%s', (_case, folder, expected) => {
    expect(mayEnter(folder, postgres)).toBe(expected);
  });

  it('a user that does not exist yet needs o+x everywhere', () => {
    expect(mayEnter({ mode: 0o770, uid: 0, gid: 0 }, null)).toBe(false);
  });

  it('names the folder and the permission it lacks', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookrelay-access-')); // mode 0700, ours
    try {
      expect(
        unreachableFolderProblem(join(dataDir, 'postgres'), { uid: 123456, gid: 123456 }),
      ).toEqual(expect.stringContaining(`cannot enter ${dataDir} (mode 0700`));
    } finally {
      rmSync(dataDir, { recursive: true });
    }
  });
});
