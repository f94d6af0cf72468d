/**
 * A fixed set of slow, stateful resources (OCR workers) shared by many jobs: a bounded queue
 * gives back-pressure (a full queue answers at once instead of growing), every job has a
 * deadline, and a resource that timed out or threw is replaced, since a tesseract job cannot
 * be cancelled and a crashed worker must not take later jobs down with it.
 */
import { err, ok, type Result } from '../../core/ports/result.ts';

export type PoolErrorCode = 'LPR_QUEUE_FULL' | 'LPR_TIMEOUT' | 'LPR_CLOSED' | 'LPR_OCR_FAILED';

export interface PoolError {
  code: PoolErrorCode;
  message: string;
}

export type PoolOutcome<T> = Result<T, PoolError>;

const refused = (code: PoolErrorCode, message: string): PoolOutcome<never> => err({ code, message });

export interface PoolOptions<R> {
  size: number;
  queueLimit: number;
  start: () => Promise<R>;
  stop: (resource: R) => Promise<void>;
}

export interface PoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  failed: number;
  recycled: number;
}

export interface Pool<R> {
  run<T>(fn: (resource: R) => Promise<T>, timeoutMs: number): Promise<PoolOutcome<T>>;
  /** Resolves once some resource is ready, or with an error when none could start. */
  ready(): Promise<PoolOutcome<void>>;
  stats(): PoolStats;
  close(): Promise<void>;
}

type SlotState = 'starting' | 'idle' | 'busy' | 'failed';

interface Slot<R> {
  state: SlotState;
  resource: R | null;
  error: string;
  running: Job<R> | null;
}

interface Job<R> {
  fn: (resource: R) => Promise<unknown>;
  settle: (o: PoolOutcome<unknown>) => void;
  done: boolean;
  slot: Slot<R> | null;
  timer: NodeJS.Timeout | null;
}

export function createPool<R>(o: PoolOptions<R>): Pool<R> {
  const slots: Slot<R>[] = Array.from({ length: o.size }, () => ({
    state: 'starting',
    resource: null,
    error: '',
    running: null,
  }));
  const queue: Job<R>[] = [];
  const readyWaiters: ((r: PoolOutcome<void>) => void)[] = [];
  let closed = false;
  let recycled = 0;

  const finish = (job: Job<R>, outcome: PoolOutcome<unknown>): void => {
    if (job.done) return;
    job.done = true;
    if (job.timer) clearTimeout(job.timer);
    job.settle(outcome);
  };

  const startSlot = (slot: Slot<R>): void => {
    slot.state = 'starting';
    o.start().then(
      (resource) => {
        if (closed) {
          void o.stop(resource).catch(() => {});
          return;
        }
        slot.resource = resource;
        slot.state = 'idle';
        for (const w of readyWaiters.splice(0)) w(ok());
        pump();
      },
      (err: unknown) => {
        slot.state = 'failed';
        slot.error = err instanceof Error ? err.message : String(err);
        if (slots.every((s) => s.state === 'failed')) failEverything(slot.error);
      },
    );
  };

  const failEverything = (why: string): void => {
    const outcome = refused('LPR_OCR_FAILED', `no OCR worker could start: ${why}`);
    for (const job of queue.splice(0)) finish(job, outcome);
    for (const w of readyWaiters.splice(0)) w(outcome);
  };

  /** Throws the resource away (it may be mid-job or broken) and starts a fresh one. */
  const recycle = (slot: Slot<R>): void => {
    slot.running = null;
    const old = slot.resource;
    slot.resource = null;
    recycled++;
    if (old !== null) void o.stop(old).catch(() => {});
    if (!closed) startSlot(slot);
  };

  const execute = (slot: Slot<R>, job: Job<R>): void => {
    slot.state = 'busy';
    slot.running = job;
    job.slot = slot;
    job.fn(slot.resource as R).then(
      (value) => {
        if (job.done) return; // timed out or closed: the slot is already recycled
        finish(job, ok(value));
        slot.running = null;
        slot.state = 'idle';
        pump();
      },
      (err: unknown) => {
        if (job.done) return;
        finish(job, refused('LPR_OCR_FAILED', err instanceof Error ? err.message : String(err)));
        recycle(slot);
      },
    );
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (slot.state !== 'idle') continue;
      const job = queue.shift();
      if (!job) return;
      execute(slot, job);
    }
  };

  const onTimeout = (job: Job<R>, timeoutMs: number): void => {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
    finish(job, refused('LPR_TIMEOUT', `no result within ${timeoutMs} ms`));
    if (job.slot) recycle(job.slot);
  };

  slots.forEach(startSlot);

  return {
    run<T>(fn: (resource: R) => Promise<T>, timeoutMs: number): Promise<PoolOutcome<T>> {
      return new Promise<PoolOutcome<T>>((resolve) => {
        if (closed) return resolve(refused('LPR_CLOSED', 'reader is closed'));
        const job: Job<R> = {
          fn,
          settle: resolve as (o: PoolOutcome<unknown>) => void,
          done: false,
          slot: null,
          timer: null,
        };
        const idle = slots.find((s) => s.state === 'idle');
        if (!idle && queue.length >= o.queueLimit) {
          return resolve(refused('LPR_QUEUE_FULL', `${queue.length} reads already waiting`));
        }
        job.timer = setTimeout(() => onTimeout(job, timeoutMs), timeoutMs);
        if (idle) return execute(idle, job);
        queue.push(job);
        // Slots that failed to start get another chance when there is work for them.
        for (const s of slots) if (s.state === 'failed') startSlot(s);
      });
    },
    ready() {
      if (slots.some((s) => s.state === 'idle' || s.state === 'busy')) return Promise.resolve(ok());
      if (closed) return Promise.resolve(refused('LPR_CLOSED', 'reader is closed'));
      if (slots.every((s) => s.state === 'failed')) {
        return Promise.resolve(refused('LPR_OCR_FAILED', slots[0]?.error ?? 'no workers'));
      }
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    stats: () => ({
      size: slots.length,
      ready: slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      busy: slots.filter((s) => s.state === 'busy').length,
      queued: queue.length,
      failed: slots.filter((s) => s.state === 'failed').length,
      recycled,
    }),
    async close() {
      if (closed) return;
      closed = true;
      const outcome = refused('LPR_CLOSED', 'reader closed');
      for (const job of queue.splice(0)) finish(job, outcome);
      for (const w of readyWaiters.splice(0)) w(outcome);
      for (const s of slots) if (s.running) finish(s.running, outcome);
      await Promise.all(
        slots.map(async (s) => {
          const r = s.resource;
          s.resource = null;
          if (r !== null) await o.stop(r).catch(() => {});
        }),
      );
    },
  };
}
