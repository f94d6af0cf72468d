import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../core/contract/index.ts';
import { type DurableQueue, openQueue, type QueueOptions } from './durable-queue.ts';

const dirs: string[] = [];
const open: DurableQueue[] = [];

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cityedge-queue-'));
  dirs.push(dir);
  return join(dir, 'outbox.db');
}

function openOk(opts: QueueOptions) {
  const r = openQueue(opts);
  if (!r.ok) throw r.error;
  open.push(r.value);
  return r.value;
}

const msg = (n: number, size = 10): OutgoingMessage => ({
  id: `msg-${String(n).padStart(6, '0')}`,
  topic: `cityedge/v1/s/d/sensor/s${n % 7}`,
  payload: JSON.stringify({ n, pad: 'x'.repeat(size) }),
  qos: 1,
  retain: n % 5 === 0,
});

afterEach(() => {
  for (const q of open.splice(0)) q.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('durable queue', () => {
  it('keeps order and resolves enqueue only after a commit', async () => {
    const q = openOk({ path: tempPath() });
    const results = await Promise.all([1, 2, 3, 4].map((n) => q.enqueue(msg(n))));
    const seqs = results.map((r) => (r.ok ? r.value : -1));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
    expect(q.stats().commits).toBe(1); // one turn of the event loop → one transaction
    expect(q.peek(0, 10).map((e) => e.message.id)).toEqual([
      'msg-000001',
      'msg-000002',
      'msg-000003',
      'msg-000004',
    ]);
    expect(q.peek(seqs[1]!, 10).map((e) => e.message.id)).toEqual(['msg-000003', 'msg-000004']);
    expect(q.peek(0, 1)[0]?.message.retain).toBe(false);
  });

  it('deletes an entry only when it is acked, and survives reopen', async () => {
    const path = tempPath();
    const q = openOk({ path });
    for (let n = 1; n <= 5; n++) void q.enqueue(msg(n));
    q.flush();
    const [first, second] = q.peek(0, 2);
    q.ack(first!.seq);
    q.ack(second!.seq);
    q.flush();
    q.close();
    open.pop();
    const again = openOk({ path });
    expect(again.stats().depth).toBe(3);
    expect(again.peek(0, 10).map((e) => e.message.id)).toEqual(['msg-000003', 'msg-000004', 'msg-000005']);
    expect(again.peek(0, 10)[2]?.message.retain).toBe(true);
    // Sequence numbers never go backwards after a restart, so replay order stays total.
    const r = await again.enqueue(msg(6));
    expect(r.ok && r.value).toBeGreaterThan(again.peek(0, 10)[2]!.seq);
  });

  it('drops the oldest entries at the size bound and reports how many', async () => {
    const q = openOk({ path: tempPath(), maxEntries: 10 });
    const drops: [number, string][] = [];
    q.onDrop((count, reason) => drops.push([count, reason]));
    for (let n = 1; n <= 25; n++) void q.enqueue(msg(n));
    q.flush();
    expect(q.stats().depth).toBe(10);
    expect(q.stats().dropped).toBe(15);
    expect(drops).toEqual([[15, 'size']]);
    expect(q.peek(0, 100).map((e) => e.message.id)[0]).toBe('msg-000016');
  });

  it('drops the oldest entries at the byte bound and persists the dropped count', async () => {
    const path = tempPath();
    const q = openOk({ path, maxBytes: 2_000 });
    for (let n = 1; n <= 20; n++) void q.enqueue(msg(n, 200)); // ~250 bytes each
    q.flush();
    const { bytes, depth, dropped } = q.stats();
    expect(bytes).toBeLessThanOrEqual(2_000);
    expect(depth + dropped).toBe(20);
    expect(dropped).toBeGreaterThan(10);
    expect(q.peek(0, 1)[0]?.message.id).toBe(`msg-${String(dropped + 1).padStart(6, '0')}`);
    q.close();
    open.pop();
    expect(openOk({ path, maxBytes: 2_000 }).stats().dropped).toBe(dropped);
  });

  it('drops entries older than the age bound', async () => {
    let now = 1_000_000;
    const q = openOk({ path: tempPath(), maxAgeMs: 60_000, nowEpochMs: () => now });
    for (let n = 1; n <= 3; n++) void q.enqueue(msg(n));
    q.flush();
    now += 45_000;
    for (let n = 4; n <= 6; n++) void q.enqueue(msg(n));
    q.flush();
    expect(q.expire()).toBe(0);
    now += 30_000; // first batch is 75 s old, second 30 s
    expect(q.expire()).toBe(3);
    expect(q.peek(0, 10).map((e) => e.message.id)).toEqual(['msg-000004', 'msg-000005', 'msg-000006']);
    now += 60_000;
    expect(q.expire()).toBe(3);
    expect(q.stats()).toMatchObject({ depth: 0, bytes: 0, dropped: 6 });
  });

  it('moves a corrupt file aside and starts fresh instead of crashing', () => {
    const path = tempPath();
    writeFileSync(path, 'this is not an SQLite database, just garbage bytes '.repeat(100));
    const r = openQueue({ path });
    expect(r.ok).toBe(true);
    if (r.ok) {
      open.push(r.value);
      expect(r.value.recoveredFrom).toMatch(/outbox\.db\.corrupt-\d+$/);
      expect(r.value.stats().depth).toBe(0);
    }
  });

  it('reports enqueue after close as an error value', async () => {
    const q = openOk({ path: tempPath() });
    q.close();
    const r = await q.enqueue(msg(1));
    expect(!r.ok && r.error.code).toBe('QUEUE_CLOSED');
  });
});
