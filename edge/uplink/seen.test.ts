/** The on-disk transaction record: durable across reopen, bounded, tolerant of a torn last line. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSeenTransactions, seenPathFor } from './seen.ts';

const dir = mkdtempSync(join(tmpdir(), 'cityedge-seen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = (file: string, max?: number) => {
  const r = openSeenTransactions(join(dir, file), max);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('seen transactions', () => {
  it('claims an id once, also after closing and reopening', () => {
    const a = open('a.jsonl');
    expect(a.claim('t-1')).toBe(true);
    expect(a.claim('t-1')).toBe(false);
    expect(a.claim('with\nnewline "quoted"')).toBe(true);
    a.close();
    const b = open('a.jsonl');
    expect(b.claim('t-1')).toBe(false);
    expect(b.claim('with\nnewline "quoted"')).toBe(false);
    expect(b.claim('t-2')).toBe(true);
    b.close();
    expect(statSync(join(dir, 'a.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('keeps the newest `max` ids and compacts the file', () => {
    const s = open('b.jsonl', 10);
    for (let i = 0; i < 35; i++) expect(s.claim(`t-${i}`)).toBe(true);
    expect(s.size).toBe(10);
    expect(s.has('t-24')).toBe(false);
    expect(s.has('t-25')).toBe(true);
    s.close();
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8').split('\n').length - 1).toBeLessThan(20);
    const again = open('b.jsonl', 10);
    expect(again.claim('t-34')).toBe(false);
    again.close();
  });

  it('skips and counts a torn last line, keeping every whole one', () => {
    const s = open('c.jsonl');
    s.claim('t-1');
    s.close();
    appendFileSync(join(dir, 'c.jsonl'), '"t-2'); // power cut mid-write
    const again = open('c.jsonl');
    expect(again.skippedLines).toBe(1);
    expect(again.has('t-1')).toBe(true);
    expect(again.claim('t-3')).toBe(true);
    again.close();
    expect(open('c.jsonl').has('t-3')).toBe(true);
  });

  it('lives beside the queue, in memory for an in-memory queue, and reports an unusable path', () => {
    expect(seenPathFor('/var/lib/cityedge/outbox.db')).toBe('/var/lib/cityedge/commands-seen.jsonl');
    expect(seenPathFor(':memory:')).toBeNull();
    const mem = openSeenTransactions(null);
    expect(mem.ok && mem.value.claim('x') && !mem.value.claim('x')).toBe(true);
    const bad = openSeenTransactions(join(dir, 'a.jsonl', 'seen.jsonl')); // a file as a folder;
    expect(bad.ok ? 'ok' : bad.error.code).toBe('UPLINK_SEEN_IO');
  });
});
