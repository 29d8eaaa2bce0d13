/**
 * Starts the worker threads of execution environments. Booting a worker
 * (a new V8 isolate and Node.js instance) is most of a cold start. So the
 * factory keeps a booted spare for each memory size in use, which a new
 * environment takes to load its function at once. Lambda likewise
 * keeps sandboxes ready before a function's init phase begins.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

import type { WorkerToMain } from './protocol.ts';

export interface BootedWorker {
  readonly worker: Worker;
  /** When the environment's cold start began: now for a spare, the boot's start otherwise. */
  readonly startedAt: number;
}

/** At most this many memory sizes keep a spare, so unusual sizes do not pile up idle workers. */
const MAX_SPARE_SIZES = 4;

export class WorkerFactory {
  /** Compiles the bootstrap on first use and returns its path. */
  private readonly bootstrapFile: () => Promise<string>;
  private readonly keepSpares: boolean;
  /** Spares by memory size in MB, most recently used size last. */
  private readonly spares = new Map<number, Promise<Worker>>();
  private closed = false;

  constructor(options: { bootstrapFile: () => Promise<string>; keepSpares: boolean }) {
    this.bootstrapFile = options.bootstrapFile;
    this.keepSpares = options.keepSpares;
  }

  /** Returns a booted worker whose V8 heap is limited to the memory size. */
  async take(memoryMB: number): Promise<BootedWorker> {
    const spare = this.spares.get(memoryMB);
    this.spares.delete(memoryMB);

    if (spare) {
      const worker = await spare.catch(() => undefined);
      if (worker) {
        worker.ref();
        return { worker, startedAt: performance.now() };
      }
    }
    const startedAt = performance.now();
    return { worker: await this.boot(memoryMB), startedAt };
  }

  async close(): Promise<void> {
    this.closed = true;
    const spares = [...this.spares.values()];
    this.spares.clear();
    await Promise.all(spares.map(async (spare) => (await spare.catch(() => undefined))?.terminate()));
  }

  /**
   * Boots a spare for the memory size unless one is there. Callers call it
   * once their new environment is ready, so the spare's boot does not slow
   * that environment's cold start.
   */
  replenish(memoryMB: number): void {
    if (!this.keepSpares || this.closed || this.spares.has(memoryMB)) return;

    const spare = this.boot(memoryMB).then((worker) => {
      // An idle spare must not keep the process alive.
      worker.unref();
      if (this.closed) void worker.terminate();
      return worker;
    });
    spare.catch(() => this.spares.delete(memoryMB));
    this.spares.set(memoryMB, spare);

    if (this.spares.size > MAX_SPARE_SIZES) {
      const [oldestSize, oldest] = this.spares.entries().next().value as [number, Promise<Worker>];
      this.spares.delete(oldestSize);
      void oldest.then((worker) => worker.terminate(), () => {});
    }
  }

  private async boot(memoryMB: number): Promise<Worker> {
    const worker = new Worker(await this.bootstrapFile(), {
      // The environment variables come with the init message; an empty
      // object here keeps the host's variables out of the worker.
      env: {},
      // Workers inherit the parent's flags, such as a TypeScript loader that
      // would slow every start; the bootstrap is plain JavaScript.
      execArgv: [],
      stdout: true,
      stderr: true,
      // This limits the V8 heap only. The bootstrap and the memory watchdog
      // enforce the memory size on Buffers and other memory outside the heap.
      resourceLimits: { maxOldGenerationSizeMb: memoryMB },
    });

    // A worker's uncaught error is emitted on it, and an 'error' event with no listener would end the local cloud.
    // This listener stays: the environment adds its own once it takes the worker, and an idle spare that fails
    // exits, which the environment's init then reports.
    let bootError: Error | undefined;
    worker.on('error', (error: Error) => { bootError ??= error; });

    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerToMain) => {
        if (message.type !== 'booted') return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(worker);
      };
      const onExit = (code: number) => {
        const reason = bootError ? `: ${bootError.message}` : '';
        reject(new Error(`The execution environment's worker exited with code ${code} while it booted${reason}.`));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });
  }
}
