import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFolderWriter } from './folder.ts';
import { startSnapshotServer } from './server.ts';

describe('snapshot server', () => {
  it('serves the current frame at /snapshot.jpg and switches frames on demand', async () => {
    const server = await startSnapshotServer();
    try {
      expect(server.port).toBeGreaterThan(0);
      const before = await fetch(server.url);
      expect(before.status).toBe(503);
      server.setFrame(Buffer.from([0xff, 0xd8, 0xff, 1]));
      const r1 = await fetch(server.url);
      expect(r1.headers.get('content-type')).toBe('image/jpeg');
      expect([...new Uint8Array(await r1.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 1]);
      server.setFrame(Buffer.from([0xff, 0xd8, 0xff, 2]));
      const r2 = await fetch(`${server.url}?t=2`);
      expect([...new Uint8Array(await r2.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 2]);
      expect((await fetch(server.url.replace('snapshot.jpg', 'other'))).status).toBe(404);
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('folder writer', () => {
  it('writes frames with sortable names and no temp files left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cam-'));
    try {
      const w = await createFolderWriter(join(dir, 'lane1'));
      const a = await w.write(Buffer.from('one'));
      await w.write(Buffer.from('two'));
      const named = await w.write(Buffer.from('three'), 'custom.jpg');
      expect(await readFile(a, 'utf8')).toBe('one');
      expect(named.endsWith('custom.jpg')).toBe(true);
      expect((await readdir(join(dir, 'lane1'))).sort()).toEqual([
        'custom.jpg',
        'frame-000001.jpg',
        'frame-000002.jpg',
      ]);
      expect(w.count()).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
