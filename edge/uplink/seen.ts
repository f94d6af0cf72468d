/**
 * The command transactions this device has already accepted, kept on disk so that one
 * transaction runs at most once — also across agent restarts. A QoS 1 command can legitimately
 * arrive twice (a resend after a lost PUBACK [MQTT-4.3.2], a persistent session replayed after a
 * reboot), and an operator or a replaying attacker can re-send the same request.
 *
 * Format: one JSON string per line, appended and fsynced before the command runs (a crash right
 * after leaves it "seen", so a command is never run twice, at worst not at all). Bounded: the
 * newest `max` ids are kept; the file is rewritten with those when it grows to twice that. A torn
 * last line after a power cut is skipped and counted.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';

export interface SeenTransactions {
  /** Records `id` (durably when on disk); false when it had been recorded already. */
  claim(id: string): boolean;
  has(id: string): boolean;
  readonly size: number;
  /** Lines of the file that could not be read at open (a torn write). */
  readonly skippedLines: number;
  close(): void;
}

export const DEFAULT_SEEN_MAX = 1000;

/** `path` null keeps the record in memory only (tests, `queue.path: ':memory:'`). */
export function openSeenTransactions(path: string | null, max = DEFAULT_SEEN_MAX): Result<SeenTransactions> {
  const order: string[] = [];
  const ids = new Set<string>();
  let skippedLines = 0;
  let fd: number | null = null;
  let lines = 0;
  const remember = (id: string) => {
    if (ids.has(id)) return;
    ids.add(id);
    order.push(id);
    while (order.length > max) ids.delete(order.shift()!);
  };
  const rewrite = () => {
    if (!path) return;
    const tmp = `${path}.tmp`;
    const t = openSync(tmp, 'w', 0o600);
    writeSync(t, order.map((id) => `${JSON.stringify(id)}\n`).join(''));
    fsyncSync(t);
    closeSync(t);
    if (fd !== null) closeSync(fd);
    renameSync(tmp, path);
    fd = openSync(path, 'a', 0o600);
    lines = order.length;
  };
  try {
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      if (existsSync(path)) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (line === '') continue;
          try {
            const id = JSON.parse(line) as unknown;
            if (typeof id === 'string') remember(id);
            else skippedLines += 1;
          } catch {
            skippedLines += 1;
          }
        }
      }
      rewrite(); // also drops a torn tail, so the next append starts on a clean line
    }
  } catch (e) {
    return err(new CityEdgeError('UPLINK_SEEN_IO', `transaction record ${path}: ${String(e)}`));
  }
  return ok({
    claim(id) {
      if (ids.has(id)) return false;
      remember(id);
      if (fd !== null) {
        writeSync(fd, `${JSON.stringify(id)}\n`);
        fsyncSync(fd); // durable before the command acts on the world
        lines += 1;
        if (lines >= 2 * max) rewrite();
      }
      return true;
    },
    has: (id) => ids.has(id),
    get size() {
      return ids.size;
    },
    skippedLines,
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  });
}

/** The record lives beside the durable queue, in the agent's data dir; in memory with the queue. */
export const seenPathFor = (queuePath: string): string | null =>
  queuePath === ':memory:' ? null : join(dirname(queuePath), 'commands-seen.jsonl');
