import { parentPort } from 'node:worker_threads';
import { fetchAndArchive, type ArchiveJob } from './git-operations';

// Worker-thread entry: fetching, inflating packs and gzipping run here, off the service's event loop.
parentPort?.on('message', (message: { id: number; job: ArchiveJob }) => {
  fetchAndArchive(message.job).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (error: unknown) => {
      const e = error as { name?: string; message?: string; reason?: string; stage?: string; retryable?: boolean };
      parentPort?.postMessage({
        id: message.id,
        error: { name: e?.name, message: e?.message ?? String(error), reason: e?.reason, stage: e?.stage, retryable: e?.retryable },
      });
    },
  );
});
