/**
 * Durable store-and-forward outbox on SQLite (better-sqlite3).
 *
 * Durability argument: the database runs in WAL mode with `synchronous=FULL`, so SQLite fsyncs the
 * WAL before a COMMIT returns; a committed row survives `kill -9` and power loss (the WAL is
 * replayed at the next open). `enqueue()` groups every message handed to it within one event-loop
 * turn into ONE transaction (group commit, one fsync) and resolves only after that COMMIT: a
 * message is "queued" when its promise resolves, never before. The loss window is therefore the
 * uncommitted tail of the current tick (or `flush()` can be called to commit at once).
 * An entry is deleted only when the uplink reports its PUBACK (`ack`); acks are batched too —
 * losing an ack in a crash re-sends a message (a duplicate with the same envelope id, which
 * ingest deduplicates), never loses one.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { OutgoingMessage } from '../../core/contract/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';

export interface QueueOptions {
  /** SQLite file; `:memory:` only for tests that do not need durability. */
  path: string;
  /** Oldest entries are dropped beyond this many. Default 1,000,000. */
  maxEntries?: number;
  /** Oldest entries are dropped beyond this many payload bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Entries older than this (by enqueue wall time) are dropped. Default 7 days. */
  maxAgeMs?: number;
  /** Wall clock for enqueue times and the age bound (injected in tests). */
  nowEpochMs?: () => number;
}

export interface QueueEntry {
  seq: number;
  message: OutgoingMessage;
  enqueuedAt: number;
}

export type DropReason = 'size' | 'bytes' | 'age';

export interface QueueStats {
  depth: number;
  bytes: number;
  /** Total entries dropped at a bound since the file was created (persisted). */
  dropped: number;
  enqueued: number;
  acked: number;
  commits: number;
}

export interface DurableQueue {
  /** Resolves after the message is committed to disk (group commit), with its sequence number. */
  enqueue(message: OutgoingMessage): Promise<Result<number>>;
  /** Commits everything pending now (synchronously). */
  flush(): Result<void>;
  /** Oldest committed entries with `seq > afterSeq`, in order. */
  peek(afterSeq: number, limit: number): QueueEntry[];
  /** Marks an entry delivered (PUBACK received); deleted in the next batch. */
  ack(seq: number): void;
  /** Applies the age bound now; returns how many entries were dropped. */
  expire(): number;
  stats(): QueueStats;
  /** Called after each commit that added entries (the uplink pump wakes on it). */
  onAppend(listener: () => void): () => void;
  onDrop(listener: (count: number, reason: DropReason) => void): () => void;
  close(): void;
}

const ACK_BATCH = 1000;
const ACK_FLUSH_MS = 50;
const DEFAULTS = { maxEntries: 1_000_000, maxBytes: 256 * 1024 * 1024, maxAgeMs: 7 * 24 * 3600_000 };

interface Row {
  seq: number;
  id: string;
  topic: string;
  payload: string;
  qos: number;
  retain: number;
  ts: number;
}

/** Opens (or creates) the queue. A corrupt file is moved aside and a fresh one started. */
export function openQueue(opts: QueueOptions): Result<DurableQueue & { recoveredFrom?: string }> {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  try {
    return ok(createQueue(opts));
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (opts.path === ':memory:' || !/SQLITE_(CORRUPT|NOTADB)/.test(code)) {
      return err(new CityEdgeError('QUEUE_OPEN_FAILED', `queue ${opts.path}: ${String(e)}`, e));
    }
    const aside = `${opts.path}.corrupt-${Date.now()}`;
    renameSync(opts.path, aside);
    try {
      return ok(Object.assign(createQueue(opts), { recoveredFrom: aside }));
    } catch (e2) {
      return err(new CityEdgeError('QUEUE_OPEN_FAILED', `queue ${opts.path}: ${String(e2)}`, e2));
    }
  }
}

function createQueue(opts: QueueOptions): DurableQueue {
  const limits = { ...DEFAULTS, ...definedOnly(opts) };
  const now = opts.nowEpochMs ?? Date.now;
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Reading the schema forces SQLite to validate the header: a corrupt file fails here.
  db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, topic TEXT NOT NULL,
      payload TEXT NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
      ts INTEGER NOT NULL, bytes INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);`);
  const st = {
    insert: db.prepare(
      'INSERT INTO outbox (id, topic, payload, qos, retain, ts, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    peek: db.prepare(
      'SELECT seq, id, topic, payload, qos, retain, ts FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    del: db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING bytes'),
    oldest: db.prepare('SELECT seq, bytes FROM outbox ORDER BY seq LIMIT ?'),
    delUpTo: db.prepare('DELETE FROM outbox WHERE seq <= ?'),
    firstYoung: db.prepare('SELECT seq FROM outbox WHERE ts >= ? ORDER BY seq LIMIT 1'),
    maxSeq: db.prepare('SELECT MAX(seq) AS m FROM outbox'),
    totals: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox'),
    sumUpTo: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox WHERE seq <= ?'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
  };
  const totals = st.totals.get() as { n: number; b: number };
  const state = {
    depth: totals.n,
    bytes: totals.b,
    dropped: ((st.getMeta.get('dropped') as { value: number } | undefined)?.value ?? 0) as number,
    enqueued: 0,
    acked: 0,
    commits: 0,
  };
  let pending: { message: OutgoingMessage; resolve: (r: Result<number>) => void }[] = [];
  let acks: number[] = [];
  let scheduled = false;
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const appendListeners = new Set<() => void>();
  const dropListeners = new Set<(count: number, reason: DropReason) => void>();

  const recordDrop = (count: number, reason: DropReason) => {
    if (count === 0) return;
    state.dropped += count;
    st.setMeta.run('dropped', state.dropped);
    for (const l of dropListeners) l(count, reason);
  };

  /** Drops the oldest entries up to and including `seq`; inside a transaction. */
  const dropUpTo = (seq: number, reason: DropReason) => {
    const { n, b } = st.sumUpTo.get(seq) as { n: number; b: number };
    st.delUpTo.run(seq);
    state.depth -= n;
    state.bytes -= b;
    recordDrop(n, reason);
  };

  const enforceBounds = () => {
    if (state.depth > limits.maxEntries) {
      const excess = state.depth - limits.maxEntries;
      const rows = st.oldest.all(excess) as { seq: number }[];
      const last = rows.at(-1);
      if (last) dropUpTo(last.seq, 'size');
    }
    if (state.bytes > limits.maxBytes) {
      let freed = 0;
      let upTo = -1;
      for (const row of st.oldest.iterate(state.depth) as IterableIterator<{ seq: number; bytes: number }>) {
        freed += row.bytes;
        upTo = row.seq;
        if (state.bytes - freed <= limits.maxBytes) break;
      }
      if (upTo >= 0) dropUpTo(upTo, 'bytes');
    }
  };

  const commit = db.transaction((batch: OutgoingMessage[], acked: number[], at: number) => {
    const seqs: number[] = [];
    for (const m of batch) {
      const bytes = Buffer.byteLength(m.payload) + m.topic.length;
      const info = st.insert.run(m.id, m.topic, m.payload, m.qos, m.retain ? 1 : 0, at, bytes);
      seqs.push(Number(info.lastInsertRowid));
      state.depth += 1;
      state.bytes += bytes;
    }
    for (const seq of acked) {
      const row = st.del.get(seq) as { bytes: number } | undefined;
      if (row) {
        state.depth -= 1;
        state.bytes -= row.bytes;
      }
    }
    enforceBounds();
    return seqs;
  });

  const flush = (): Result<void> => {
    scheduled = false;
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = null;
    if (closed || (pending.length === 0 && acks.length === 0)) return ok(undefined);
    const batch = pending;
    const acked = acks;
    pending = [];
    acks = [];
    try {
      const seqs = commit(
        batch.map((p) => p.message),
        acked,
        now(),
      );
      state.commits += 1;
      state.enqueued += batch.length;
      state.acked += acked.length;
      for (const [i, p] of batch.entries()) p.resolve(ok(seqs[i]!));
      if (batch.length > 0) for (const l of appendListeners) l();
      return ok(undefined);
    } catch (e) {
      const error = new CityEdgeError('QUEUE_WRITE_FAILED', `queue commit failed: ${String(e)}`, e);
      for (const p of batch) p.resolve(err(error));
      acks.push(...acked); // retry the deletes with the next batch
      return err(error);
    }
  };

  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    enqueue(message) {
      if (closed) return Promise.resolve(err(new CityEdgeError('QUEUE_CLOSED', 'queue is closed')));
      return new Promise((resolve) => {
        pending.push({ message, resolve });
        schedule();
      });
    },
    flush,
    peek(afterSeq, limit) {
      if (closed) return [];
      return (st.peek.all(afterSeq, limit) as Row[]).map((r) => ({
        seq: r.seq,
        enqueuedAt: r.ts,
        message: {
          id: r.id,
          topic: r.topic,
          payload: r.payload,
          qos: r.qos === 0 ? 0 : 1,
          retain: r.retain === 1,
        },
      }));
    },
    ack(seq) {
      if (closed) return;
      acks.push(seq);
      // Deletes are not durability-critical (a lost one only re-sends a duplicate), so they wait
      // up to ACK_FLUSH_MS to share one fsync instead of costing one per PUBACK.
      if (acks.length >= ACK_BATCH) schedule();
      else ackTimer ??= setTimeout(flush, ACK_FLUSH_MS);
    },
    expire() {
      if (closed) return 0;
      const before = state.dropped;
      db.transaction(() => {
        const young = st.firstYoung.get(now() - limits.maxAgeMs) as { seq: number } | undefined;
        const upTo = young ? young.seq - 1 : ((st.maxSeq.get() as { m: number | null }).m ?? -1);
        if (upTo >= 0) dropUpTo(upTo, 'age');
      })();
      return state.dropped - before;
    },
    stats: () => ({ ...state }),
    onAppend(listener) {
      appendListeners.add(listener);
      return () => appendListeners.delete(listener);
    },
    onDrop(listener) {
      dropListeners.add(listener);
      return () => dropListeners.delete(listener);
    },
    close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}

function definedOnly(o: QueueOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  if (o.maxEntries !== undefined) out.maxEntries = o.maxEntries;
  if (o.maxBytes !== undefined) out.maxBytes = o.maxBytes;
  if (o.maxAgeMs !== undefined) out.maxAgeMs = o.maxAgeMs;
  return out;
}
