/**
 * On-disk layout of the frame store, pure (no I/O):
 *   <dir>/YYYY-MM-DD/<epochMs 13 digits>-<counter 6 digits>-<camera>.jpg
 * The day is UTC so a box's folders do not depend on its time-zone setting, and the zero-padded
 * epoch first makes a plain name sort equal time order (retention deletes oldest first).
 */
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';

export interface FrameEntry {
  /** Path relative to the store dir, always with `/` (it goes into MQTT payloads). */
  ref: string;
  epochMs: number;
  counter: number;
  bytes: number;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const NAME_RE = /^(\d{13})-(\d{6})-([A-Za-z0-9_-]{1,64})\.jpg$/;
/** Counters wrap here so names keep six digits and still sort (same ms + wrap is never reached). */
export const COUNTER_WRAP = 1_000_000;
/** Contract `frameRef` is max 200 characters; 10 + 1 + 13 + 1 + 6 + 1 + 64 + 4 = 100 stays well under. */
const MAX_CAMERA_CHARS = 64;

export const isDayFolder = (name: string): boolean => DAY_RE.test(name);

/** Temp files start with a dot so a crash mid-write never leaves something that parses as a frame. */
export const isTempFile = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

export function dayFolder(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Camera names come from config; anything outside a filename-safe set becomes `_`. */
export function safeCamera(camera: string): Result<string> {
  const safe = camera.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_CAMERA_CHARS);
  if (safe.length === 0) return err(new CityEdgeError('CAMERA_FRAME_BAD_META', 'camera name is empty'));
  return ok(safe);
}

export function frameRefFor(epochMs: number, counter: number, camera: string): string {
  const ms = String(Math.max(0, Math.trunc(epochMs))).padStart(13, '0');
  const n = String(counter % COUNTER_WRAP).padStart(6, '0');
  return `${dayFolder(epochMs)}/${ms}-${n}-${camera}.jpg`;
}

/** Parses `YYYY-MM-DD/name.jpg`; null for anything the store did not write. */
export function parseFrameRef(ref: string): { epochMs: number; counter: number } | null {
  const parts = ref.split('/');
  if (parts.length !== 2) return null;
  const [day, name] = parts as [string, string];
  if (!isDayFolder(day)) return null;
  const m = NAME_RE.exec(name);
  if (!m) return null;
  return { epochMs: Number(m[1]), counter: Number(m[2]) };
}

/**
 * Refuses anything but a ref this store could have produced. The strict shape already excludes
 * `..`, absolute paths, backslashes and NUL; they get their own message because they are attacks,
 * not typos, and the caller may want to log them differently.
 */
export function checkFrameRef(ref: unknown): Result<string> {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 200)
    return err(new CityEdgeError('CAMERA_FRAME_BAD_REF', 'frameRef must be a 1..200 character string'));
  if (ref.startsWith('/') || ref.includes('\\') || ref.includes('\0') || /^[A-Za-z]:/.test(ref))
    return err(new CityEdgeError('CAMERA_FRAME_BAD_REF', 'frameRef must be relative to the store', { ref }));
  if (ref.split('/').includes('..'))
    return err(new CityEdgeError('CAMERA_FRAME_BAD_REF', 'frameRef must not contain ..', { ref }));
  if (parseFrameRef(ref) === null)
    return err(new CityEdgeError('CAMERA_FRAME_BAD_REF', 'frameRef is not a frame of this store', { ref }));
  return ok(ref);
}

/** Oldest first; the counter breaks ties within one millisecond. */
export const byAge = (a: FrameEntry, b: FrameEntry): number => a.epochMs - b.epochMs || a.counter - b.counter;
