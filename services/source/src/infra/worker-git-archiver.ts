import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Reason, type FailureStage } from '@ferry/contracts';
import { ReconcileFailure } from '@ferry/contracts';
import type { ArchiveResult } from '../app/ports';
import type { ArchiveJob } from './git-operations';

interface Pending {
  resolve: (result: ArchiveResult) => void;
  reject: (error: Error) => void;
}

/**
 * Runs fetch + archive jobs on one long-lived worker thread, so pack inflation, tree walking and gzip never
 * block the event loop that serves HTTP, NATS and the informer. A crashed worker fails its jobs and is
 * replaced on the next job.
 */
export class WorkerGitArchiver {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Fetches and archives in the worker thread. */
  archive(job: ArchiveJob): Promise<ArchiveResult> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ArchiveResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, job });
    });
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Under ts (jest, `node -r @swc-node/register`) the worker needs the same loader as the service.
    const typescript = __filename.endsWith('.ts');
    const worker = new Worker(join(__dirname, typescript ? 'git-worker.ts' : 'git-worker.js'), {
      execArgv: typescript ? ['-r', '@swc-node/register'] : [],
    });
    worker.unref();
    worker.on('message', (message: { id: number; result?: ArchiveResult; error?: { name?: string; message: string; reason?: string; stage?: string; retryable?: boolean } }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.result) pending.resolve(message.result);
      else {
        const e = message.error ?? { message: 'git worker failed' };
        pending.reject(
          e.reason
            ? new ReconcileFailure(e.reason, (e.stage ?? 'fetch') as FailureStage, e.message, e.retryable ?? true)
            : new ReconcileFailure(Reason.GitOperationFailed, 'fetch', e.message),
        );
      }
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `git worker failed: ${error.message}`));
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
