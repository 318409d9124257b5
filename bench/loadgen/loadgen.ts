import { serveRpc } from '../shared/rpc';
import { runBatchLoad } from './batch-loader';
import { runIngest } from './ingest-load';
import { LoadgenProtocol } from './loadgen-protocol';
import { runRawLoop } from './raw-loop';
import { runSteady } from './steady-load';

/** The load generator process: one job at a time, asked for by the runner over IPC. */
serveRpc<LoadgenProtocol>({
  raw: runRawLoop,
  batchLoad: runBatchLoad,
  ingest: runIngest,
  steady: runSteady,
});
