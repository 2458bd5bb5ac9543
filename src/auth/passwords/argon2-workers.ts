import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * How far below the event loop's priority the hashing threads run (Linux nice values), so a
 * queued or running hash never preempts it. On a busy core the event loop then keeps answering
 * cheap requests (token checks, key verification) at once, and hashes take the time it leaves;
 * 10 steps down they still get about a tenth of a core the event loop saturates.
 */
export const HASHING_NICENESS = 10;

/**
 * Each hashing thread's young generation, in MB. A thread allocates under a kilobyte per hash,
 * but it would otherwise inherit the event loop's (2 x 16 MB under `bin/serve`) and touch a
 * little more of it with every hash, until up to 32 MB were resident for nothing (about 0.6 MB
 * more per thousand hashes in a loop of its own). With 3 MB a collection comes every thousand
 * hashes or so and costs microseconds against a hash's milliseconds.
 */
export const HASHING_THREAD_YOUNG_GENERATION_MB = 3;

export type Argon2Job =
  { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };

type Reply = { value: string | boolean } | { error: string };

interface Task {
  job: Argon2Job;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

// Evaluated rather than loaded from a file, so the same code serves dist/ and the tests.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.argon2Path);
if (process.platform === 'linux') {
  // On Linux the priority of "process 0" is this thread's alone; it starts at the event loop's.
  const os = require('node:os');
  try { os.setPriority(Math.min(19, os.getPriority() + workerData.niceness)); } catch {}
}
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash'
      ? argon2.hashSync(job.password, workerData.parameters)
      : argon2.verifySync(job.hash, job.password);
    parentPort.postMessage({ value });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * argon2 on worker threads, one per usable core at most (`availableParallelism()` follows the
 * CPU affinity), each running one hash at a time; later jobs wait in order. More would only
 * share the cores, each hash taking longer with 19 MiB held meanwhile. Threads start on first
 * use and hold the process open only while they have work.
 */
export class Argon2Workers {
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(
    private readonly parameters: object,
    private readonly maxWorkers = availableParallelism(),
  ) {}

  run(job: Argon2Job): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('The password hasher is shut down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.reject(new Error('The password hasher is shut down'));
    }
    const workers = [...this.idle, ...this.running.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    // Once closed the queue stays empty (close() drains it and run() refuses), so no thread starts.
    while (this.queue.length > 0) {
      const threads = this.idle.length + this.running.size;
      const worker = this.idle.pop() ?? (threads < this.maxWorkers ? this.spawn() : null);
      if (!worker) return;
      const task = this.queue.shift() as Task;
      this.running.set(worker, task);
      worker.ref();
      worker.postMessage(task.job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxYoungGenerationSizeMb: HASHING_THREAD_YOUNG_GENERATION_MB },
      workerData: {
        argon2Path: require.resolve('@node-rs/argon2'),
        parameters: this.parameters,
        niceness: HASHING_NICENESS,
      },
    });
    worker.on('message', (reply: Reply) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ('error' in reply) task?.reject(new Error(reply.error));
      else task?.resolve(reply.value);
      this.dispatch();
    });
    // A thread that dies (it should not) fails its job; the next job starts another.
    worker.once('exit', (code) => {
      const idleAt = this.idle.indexOf(worker);
      if (idleAt >= 0) this.idle.splice(idleAt, 1);
      const task = this.running.get(worker);
      this.running.delete(worker);
      task?.reject(new Error(`argon2 worker exited (code ${code})`));
      this.dispatch();
    });
    worker.on('error', () => undefined); // its 'exit' follows and settles the job
    return worker;
  }
}
