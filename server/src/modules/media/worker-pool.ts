import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface WorkerPoolOptions {
  size: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel?: types.WorkerLogLevel;
}

export interface WorkerPoolEvents {
  /** A worker died and was replaced (or could not be). Rooms on it must be rebuilt. */
  workerDied: [{ pid: number; index: number; replaced: boolean }];
}

export class WorkerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerStartError';
  }
}

/**
 * One mediasoup worker per core, handed out round-robin. A worker that dies is
 * replaced; its routers are gone, so the pool tells its listeners.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly workers: (types.Worker | undefined)[] = [];
  private next = 0;
  private closed = false;

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    if (!existsSync(mediasoup.workerBin)) {
      throw new WorkerStartError(
        `mediasoup worker binary not found at ${mediasoup.workerBin}.\n` +
          'Run `node scripts/mediasoup-worker.mjs` at the repository root to download or build it ' +
          '(or set MEDIASOUP_WORKER_BIN to a working binary).',
      );
    }
    const span = Math.floor((options.rtcMaxPort - options.rtcMinPort + 1) / options.size);
    if (span < 10) throw new WorkerStartError('RTC port range is too small: allow at least 10 ports per worker.');
    try {
      for (let i = 0; i < options.size; i++) pool.workers.push(await pool.spawn(i));
    } catch (e) {
      pool.close();
      const reason = e instanceof Error ? e.message : String(e);
      throw new WorkerStartError(
        `mediasoup worker ${mediasoup.workerBin} failed to start: ${reason}\n` +
          'Rebuild it with `node scripts/mediasoup-worker.mjs` at the repository root.',
      );
    }
    return pool;
  }

  /** Number of live workers. */
  get size(): number {
    return this.workers.filter((w) => w && !w.closed && !w.died).length;
  }

  /** The next live worker, round-robin. */
  getWorker(): types.Worker {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const w = this.workers[this.next];
      this.next = (this.next + 1) % this.workers.length;
      if (w && !w.closed && !w.died) return w;
    }
    throw new WorkerStartError('No mediasoup worker is running.');
  }

  /** A live worker, waiting (up to `timeoutMs`) for a dead one's replacement when none is live. */
  async acquireWorker(timeoutMs = 10_000): Promise<types.Worker> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return this.getWorker();
      } catch (e) {
        if (this.closed || Date.now() >= deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) w?.close();
  }

  private async spawn(index: number): Promise<types.Worker> {
    const { rtcMinPort, rtcMaxPort, size } = this.options;
    // Each worker gets its own slice of the port range so they never compete.
    const span = Math.floor((rtcMaxPort - rtcMinPort + 1) / size);
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel ?? 'warn',
      rtcMinPort: rtcMinPort + index * span,
      rtcMaxPort: rtcMinPort + (index + 1) * span - 1,
      disableLiburing: true,
    });
    worker.on('died', () => {
      if (this.closed) return;
      const pid = worker.pid;
      this.workers[index] = undefined;
      this.spawn(index)
        .then((w) => {
          if (this.closed) return w.close();
          this.workers[index] = w;
          this.emit('workerDied', { pid, index, replaced: true });
        })
        .catch(() => this.emit('workerDied', { pid, index, replaced: false }));
    });
    return worker;
  }
}
