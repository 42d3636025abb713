/**
 * Runs in a worker thread (see checkpointer.ts): its own connection to one SQLite file, copying
 * WAL frames back into the database file, so the fsyncs a checkpoint needs never block the
 * server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerOptions, CheckpointerMessage } from './checkpointer.js';

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const options = workerData as CheckpointerOptions;
const port = parentPort!;
const db = new Database(options.file);
db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
// Copying frames does not go through the page cache; keep this connection's small.
db.pragma('cache_size = -1024');

function checkpoint(mode: 'PASSIVE' | 'RESTART'): CheckpointResult {
  return (db.pragma(`wal_checkpoint(${mode})`) as CheckpointResult[])[0]!;
}

let failing = false;
const timer = setInterval(() => {
  try {
    // PASSIVE never takes the writer lock: the server keeps committing while frames are copied.
    const passive = checkpoint('PASSIVE');
    // Under a steady stream of commits the log is never fully copied at the moment a writer
    // starts, so it would never restart from the beginning and the file would only grow. RESTART
    // holds the writer lock while it copies what PASSIVE left (little) and syncs; the next
    // commit then writes from the start of the log again.
    if (passive.log >= options.restartFrames) checkpoint('RESTART');
    if (failing) port.postMessage({ kind: 'recovered' } satisfies CheckpointerMessage);
    failing = false;
  } catch (error) {
    failing = true;
    port.postMessage({ kind: 'error', message: (error as Error).message } satisfies CheckpointerMessage);
  }
}, options.intervalMs);

port.on('message', (message: CheckpointerMessage) => {
  if (message.kind !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
