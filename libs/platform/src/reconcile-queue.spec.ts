import { ReconcileQueue } from './reconcile-queue';

/** A run function whose calls the test finishes by hand. */
function controlled() {
  const calls: string[] = [];
  const pending: Array<{ key: string; finish: (requeueAfterMs?: number) => void }> = [];
  let active = 0;
  let maxActive = 0;
  const run = (key: string) =>
    new Promise<{ requeueAfterMs?: number }>((resolve) => {
      calls.push(key);
      active++;
      maxActive = Math.max(maxActive, active);
      pending.push({
        key,
        finish: (requeueAfterMs) => {
          active--;
          resolve(requeueAfterMs === undefined ? {} : { requeueAfterMs });
        },
      });
    });
  return { calls, pending, run, maxActive: () => maxActive };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ReconcileQueue', () => {
  it('runs one reconcile per key at a time and merges requests made meanwhile into one more run', async () => {
    const work = controlled();
    const queue = new ReconcileQueue(4, work.run, () => undefined);
    queue.enqueue('a');
    queue.enqueue('a');
    await flush();
    expect(work.calls).toEqual(['a']);
    queue.enqueue('a');
    queue.enqueue('a');
    work.pending.shift()?.finish();
    await flush();
    expect(work.calls).toEqual(['a', 'a']);
    work.pending.shift()?.finish();
    await queue.idle();
    expect(work.maxActive()).toBe(1);
    await queue.stop();
  });

  it('runs at most `workers` keys in parallel', async () => {
    const work = controlled();
    const queue = new ReconcileQueue(2, work.run, () => undefined);
    ['a', 'b', 'c'].forEach((key) => queue.enqueue(key));
    await flush();
    expect(work.calls).toEqual(['a', 'b']);
    work.pending.shift()?.finish();
    await flush();
    expect(work.calls).toEqual(['a', 'b', 'c']);
    work.pending.splice(0).forEach((p) => p.finish());
    await queue.idle();
    await queue.stop();
  });

  it('reports a failed run and keeps serving other keys; a requeue after stop is dropped', async () => {
    const errors: string[] = [];
    const runs: string[] = [];
    const queue = new ReconcileQueue(
      1,
      async (key) => {
        runs.push(key);
        if (key === 'bad') throw new Error('boom');
        return { requeueAfterMs: 60_000 };
      },
      (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    );
    queue.enqueue('bad');
    queue.enqueue('good');
    await queue.idle();
    expect(errors).toEqual(['bad: boom']);
    expect(runs).toEqual(['bad', 'good']);
    await queue.stop();
    queue.enqueue('good');
    await flush();
    expect(runs).toEqual(['bad', 'good']);
  });
});
