import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A postmaster left running by a service that was killed (SIGKILL, OOM killer): it outlives
 * its parent, keeps DATA_DIR's cluster and port, and PostgreSQL then refuses to start a
 * second one on the same data ("lock file postmaster.pid already exists").
 */
export interface LeftoverPostmaster {
  pid: number;
  /** Its command line names our cluster directory: a postmaster of ours, safe to stop. */
  ours: boolean;
}

/** Linux /proc; elsewhere nothing is found and PostgreSQL's own lock-file check decides. */
function commandLine(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The running process named by `databaseDir/postmaster.pid`, if any. A pid file whose process
 * is gone is stale, and PostgreSQL replaces it by itself: that is not a leftover.
 */
export function findLeftoverPostmaster(databaseDir: string): LeftoverPostmaster | null {
  let pid: number;
  try {
    pid = Number(readFileSync(resolve(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return null;
  const argv = commandLine(pid);
  if (argv === null) return null;
  const ours =
    argv.some((arg) => /(^|\/)postgres$/.test(arg)) &&
    argv.some((arg) => resolve(arg) === resolve(databaseDir));
  return { pid, ours };
}

/**
 * Stops a leftover postmaster of ours with PostgreSQL's fast shutdown (SIGINT: open
 * transactions roll back, committed ones are already durable, a checkpoint is written).
 * Resolves false when it is still running after `timeoutMs`.
 */
export async function stopLeftoverPostmaster(pid: number, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return !isAlive(pid);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return !isAlive(pid);
}
