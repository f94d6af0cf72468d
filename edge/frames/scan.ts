/** Rebuilds the in-memory index from disk on open, so an agent restart knows what it kept. */
import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type FrameEntry, isDayFolder, isTempFile, parseFrameRef } from './layout.ts';

export interface ScanResult {
  entries: FrameEntry[];
  /** Failed stats/unlinks; counted, never fatal: one bad file must not stop the agent. */
  errors: number;
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Lists frames under `dir`. Temp files are leftovers of a crash mid-write (open runs before any
 * save), so they are deleted; files the store did not name are left alone and not counted.
 */
export async function scanStore(dir: string): Promise<ScanResult> {
  const entries: FrameEntry[] = [];
  let errors = 0;
  for (const day of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    if (!isDayFolder(day.name)) continue;
    const dayPath = join(dir, day.name);
    for (const name of await readdir(dayPath)) {
      const full = join(dayPath, name);
      try {
        if (isTempFile(name)) {
          await unlink(full);
          continue;
        }
        const ref = `${day.name}/${name}`;
        const parsed = parseFrameRef(ref);
        if (parsed) entries.push({ ref, ...parsed, bytes: (await stat(full)).size });
      } catch {
        errors++;
      }
    }
    if (!(await removeIfEmpty(dayPath))) errors++;
  }
  return { entries, errors };
}

/** rmdir only succeeds on an empty folder, which is exactly the check we want; false on a real failure. */
export async function removeIfEmpty(dayPath: string): Promise<boolean> {
  try {
    await rmdir(dayPath);
    return true;
  } catch (e) {
    const c = code(e);
    return c === 'ENOTEMPTY' || c === 'EEXIST' || c === 'ENOENT';
  }
}
