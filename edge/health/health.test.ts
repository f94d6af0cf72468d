import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloads } from '../../core/contract/index.ts';
import type { LinkStatus } from '../../core/ports/serial.ts';
import { emptyCounters } from '../../core/ports/serial-frames.ts';
import { collectHealth, toHealthPayload } from './snapshot.ts';
import { readCpuTempC, readDisk, readNtpSynchronized } from './system.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cityedge-health-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fakeSys(name: string, zones: { type: string; temp: string }[]): Promise<string> {
  const sys = join(root, name);
  for (const [i, z] of zones.entries()) {
    const dir = join(sys, 'class', 'thermal', `thermal_zone${i}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'type'), `${z.type}\n`);
    await writeFile(join(dir, 'temp'), `${z.temp}\n`);
  }
  await mkdir(join(sys, 'class', 'thermal'), { recursive: true });
  return sys;
}

describe('CPU temperature', () => {
  it('reads a Pi cpu-thermal zone in °C', async () => {
    const sys = await fakeSys('pi', [{ type: 'cpu-thermal', temp: '48312' }]);
    expect(await readCpuTempC(sys)).toBe(48.3);
  });

  it('prefers the CPU zone over others and skips unreadable ones', async () => {
    const sys = await fakeSys('multi', [
      { type: 'battery', temp: '30000' },
      { type: 'x86_pkg_temp', temp: 'garbage' },
      { type: 'x86_pkg_temp', temp: '61000' },
    ]);
    expect(await readCpuTempC(sys)).toBe(61);
  });

  it('is null without thermal zones or without /sys at all', async () => {
    expect(await readCpuTempC(await fakeSys('empty', []))).toBeNull();
    expect(await readCpuTempC(join(root, 'nope'))).toBeNull();
  });
});

describe('disk', () => {
  it('reads free/total space of a real filesystem, null for a missing path', async () => {
    const d = await readDisk(root);
    expect(d).not.toBeNull();
    expect(d!.totalMb).toBeGreaterThan(0);
    expect(d!.freeMb).toBeLessThanOrEqual(d!.totalMb);
    expect(await readDisk(join(root, 'missing', 'dir'))).toBeNull();
  });
});

describe('NTP sync flag', () => {
  it('true when timesyncd wrote its flag, false when not yet, null without timesyncd', async () => {
    const synced = join(root, 'run-synced', 'systemd', 'timesync');
    await mkdir(synced, { recursive: true });
    await writeFile(join(synced, 'synchronized'), '');
    const waiting = join(root, 'run-waiting', 'systemd', 'timesync');
    await mkdir(waiting, { recursive: true });
    expect(await readNtpSynchronized(join(root, 'run-synced'))).toBe(true);
    expect(await readNtpSynchronized(join(root, 'run-waiting'))).toBe(false);
    expect(await readNtpSynchronized(join(root, 'run-none'))).toBeNull();
  });
});

const serial: LinkStatus = {
  path: '/dev/ttyUSB0',
  state: 'connecting',
  reconnects: 2,
  openFailures: 5,
  lastError: null,
  sinceMs: 0,
  listenerFaults: 0,
  counters: { ...emptyCounters(), frames: 100, badCrc: 3, badLength: 2, unknownType: 1, badPayload: 1 },
};

describe('collectHealth / toHealthPayload', () => {
  it('combines system readings with fields supplied by others, valid against the contract', async () => {
    const sys = await fakeSys('agent', [{ type: 'cpu-thermal', temp: '52000' }]);
    const snap = await collectHealth(
      { queueDepth: 17, queueDropped: 1, serial, cameras: { gate: 'ok', exit: 'timeout' } },
      { sysRoot: sys, diskPath: root },
    );
    expect(snap.cpuTempC).toBe(52);
    expect(snap.queueDepth).toBe(17);
    expect(snap.memUsedMb).toBeLessThanOrEqual(snap.memTotalMb);
    expect(snap.rssMb).toBeGreaterThan(0);
    expect(snap.diskFreeMb).not.toBeNull();
    const payload = toHealthPayload(snap);
    expect(payloads.health.parse(payload)).toEqual(payload);
    // 'connecting' is not up: the contract only knows up/down.
    expect(payload.serial).toEqual({ state: 'down', reconnects: 2, badFrames: 7 });
    expect(payload.cameras).toEqual({ gate: 'ok', exit: 'timeout' });
  });

  it('degrades to nulls and zeros when nothing is available, still valid', async () => {
    const snap = await collectHealth({}, { sysRoot: join(root, 'none'), diskPath: join(root, 'none') });
    expect(snap.cpuTempC).toBeNull();
    expect(snap.diskFreeMb).toBeNull();
    const payload = toHealthPayload(snap);
    expect(payload.serial).toBeNull();
    expect(payloads.health.parse(payload)).toEqual(payload);
  });
});
