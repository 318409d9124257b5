import { fork, ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { BenchOptions } from './bench-options';
import { LoadgenProtocol } from './loadgen/loadgen-protocol';
import { ReceiverProtocol } from './receiver/receiver-protocol';
import { AdminApi } from './service/admin-api';
import { BenchDatabase } from './service/bench-database';
import { ServiceProcess } from './service/service-process';
import { RpcClient } from './shared/rpc';

/** Everything a scenario needs, set up once by the runner. */
export interface BenchContext {
  options: BenchOptions;
  runDir: string;
  db: BenchDatabase;
  api: ServiceProcess;
  admin: AdminApi;
  apiKey: string;
  receiver: RpcClient<ReceiverProtocol>;
  receiverOrigin: string;
  loadgen: RpcClient<LoadgenProtocol>;
  /** Process ids of the receiver and the load generator, for CPU accounting. */
  receiverPid: number | undefined;
  loadgenPid: number | undefined;
  /** Starts one ROLE=worker process on the run's database (its log goes to runDir). */
  startWorker(label: string): Promise<ServiceProcess>;
}

/** Forks a compiled bench module (a sibling under dist-bench/bench) as an IPC child. */
export function forkBenchChild(relativeModule: string): ChildProcess {
  return fork(resolve(__dirname, relativeModule), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
