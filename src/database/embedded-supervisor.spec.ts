import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { EmbeddedPostgresSupervisor, SupervisedServer } from './embedded-supervisor';

/** A postmaster stand-in: emits 'exit' when the test kills it. */
function fakeServer(startResults: Array<'ok' | 'fail'>) {
  let child = new EventEmitter();
  const starts: number[] = [];
  const server: SupervisedServer = {
    child: () => child as unknown as ChildProcess,
    start: () => {
      starts.push(starts.length + 1);
      const result = startResults.shift() ?? 'fail';
      if (result === 'fail') return Promise.reject(new Error('could not bind'));
      child = new EventEmitter();
      return Promise.resolve();
    },
  };
  return { server, starts, kill: () => child.emit('exit', null, 'SIGKILL') };
}

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      warn: (_f: Record<string, unknown>, m: string) => void lines.push(`warn: ${m}`),
      error: (_f: Record<string, unknown>, m: string) => void lines.push(`error: ${m}`),
    },
  };
}

const noWait = () => Promise.resolve();
const settle = () => new Promise((done) => setImmediate(done));

describe('EmbeddedPostgresSupervisor', () => {
  it('restarts a postmaster that died, logging why, and watches the new one', async () => {
    const { server, starts, kill } = fakeServer(['fail', 'ok', 'ok']);
    const { lines, log } = recordingLog();
    const sut = new EmbeddedPostgresSupervisor(server, log, () => undefined, [1, 1, 1], noWait);
    sut.watch();

    kill();
    for (let i = 0; i < 5; i++) await settle();
    kill(); // the restarted one dies too: noticed as well
    for (let i = 0; i < 5; i++) await settle();

    expect({ starts: starts.length, failure: sut.failure(), lines }).toEqual({
      starts: 3,
      failure: null,
      lines: [
        'error: embedded PostgreSQL exited unexpectedly (signal SIGKILL); restarting it',
        'error: embedded PostgreSQL restart failed',
        'warn: embedded PostgreSQL restarted',
        'error: embedded PostgreSQL exited unexpectedly (signal SIGKILL); restarting it',
        'warn: embedded PostgreSQL restarted',
      ],
    });
  });

  it('gives up after every restart failed: failure() says why and the service is told', async () => {
    const { server, kill } = fakeServer([]);
    const givenUp: string[] = [];
    const sut = new EmbeddedPostgresSupervisor(
      server,
      recordingLog().log,
      (reason) => void givenUp.push(reason),
      [1, 1, 1],
      noWait,
    );
    sut.watch();

    kill();
    for (let i = 0; i < 10; i++) await settle();

    expect({ failure: sut.failure(), givenUp }).toEqual({
      failure: expect.stringContaining('3 restarts failed; last error: could not bind'),
      givenUp: [expect.stringContaining('signal SIGKILL')],
    });
  });

  it('ignores the exit of a deliberate stop', async () => {
    const { server, starts, kill } = fakeServer(['ok']);
    const sut = new EmbeddedPostgresSupervisor(
      server,
      recordingLog().log,
      () => undefined,
      [1],
      noWait,
    );
    sut.watch();

    await sut.stopWatching();
    kill();
    await settle();

    expect(starts).toEqual([]);
  });
});
