/** Writes frames into a folder, like a camera's FTP/SMB upload; names sort in capture order. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderWriter {
  dir: string;
  /** Writes atomically (temp file + rename) so a watcher never sees half a JPEG. Returns the path. */
  write(image: Buffer, name?: string): Promise<string>;
  count(): number;
}

export async function createFolderWriter(
  dir: string,
  o: { prefix?: string; ext?: string } = {},
): Promise<FolderWriter> {
  await mkdir(dir, { recursive: true });
  let n = 0;
  return {
    dir,
    async write(image, name) {
      n++;
      const file = name ?? `${o.prefix ?? 'frame'}-${String(n).padStart(6, '0')}.${o.ext ?? 'jpg'}`;
      const path = join(dir, file);
      const tmp = join(dir, `.${file}.tmp`);
      await writeFile(tmp, image);
      await rename(tmp, path);
      return path;
    },
    count: () => n,
  };
}
