import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The user PostgreSQL runs as when the service runs as root (it refuses root itself). */
export const EMBEDDED_POSTGRES_USER = 'postgres';

interface Account {
  uid: number;
  gid: number;
}

/** The account's ids; null when it does not exist yet (the first start creates it). */
function accountOf(user: string): Account | null {
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

/** Whether `account` (or a new account, owning nothing) may enter a folder of this mode. */
export function mayEnter(
  folder: { mode: number; uid: number; gid: number },
  account: Account | null,
): boolean {
  if (account !== null && folder.uid === account.uid) return (folder.mode & 0o100) !== 0;
  if (account !== null && folder.gid === account.gid) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/**
 * As root, initdb and PostgreSQL run as the `postgres` user, who must be able to enter every
 * folder above the cluster directory. A DATA_DIR made by mkdtemp (mode 0700) failed with
 * initdb's bare "Permission denied"; this names the folder and the permission it needs.
 */
export function unreachableFolderProblem(
  databaseDir: string,
  account: Account | null = accountOf(EMBEDDED_POSTGRES_USER),
): string | null {
  for (let folder = dirname(resolve(databaseDir)); ; folder = dirname(folder)) {
    const stat = statSync(folder);
    if (!mayEnter(stat, account)) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return (
        `the service runs as root, so its embedded PostgreSQL runs as the "${EMBEDDED_POSTGRES_USER}" ` +
        `user, who cannot enter ${folder} (mode ${mode}, owner uid ${stat.uid}): allow it ` +
        `(e.g. chmod o+x ${folder}), or choose a DATA_DIR that user can reach, or run the service as a non-root user`
      );
    }
    if (folder === dirname(folder)) return null;
  }
}
