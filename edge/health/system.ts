/**
 * System readings for health telemetry. Each reader returns null when the source is missing (no
 * thermal zone in a container, statfs on an unmounted path) — telemetry must never throw.
 */
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

/** Thermal zone types that measure the SoC/CPU (Pi: cpu-thermal; x86: x86_pkg_temp). */
const CPU_ZONE_TYPES = /^(cpu|soc|x86_pkg|acpitz)/i;

async function readTrim(path: string): Promise<string | null> {
  return readFile(path, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
}

/** CPU temperature in °C from /sys/class/thermal/thermal_zone*\/temp (millidegrees), or null. */
export async function readCpuTempC(sysRoot = '/sys'): Promise<number | null> {
  const dir = join(sysRoot, 'class', 'thermal');
  const zones = await readdir(dir).then(
    (names) => names.filter((n) => /^thermal_zone\d+$/.test(n)).sort((a, b) => zoneIndex(a) - zoneIndex(b)),
    () => [] as string[],
  );
  const readings: { type: string; c: number }[] = [];
  for (const z of zones) {
    const milli = Number(await readTrim(join(dir, z, 'temp')));
    if (!Number.isFinite(milli) || milli === 0) continue; // unreadable or sensor not ready
    readings.push({ type: (await readTrim(join(dir, z, 'type'))) ?? '', c: milli / 1000 });
  }
  const cpu = readings.find((r) => CPU_ZONE_TYPES.test(r.type)) ?? readings[0];
  return cpu ? Math.round(cpu.c * 10) / 10 : null;
}

function zoneIndex(name: string): number {
  return Number(name.slice('thermal_zone'.length));
}

export interface DiskReading {
  freeMb: number;
  totalMb: number;
}

/** Free space available to unprivileged users (bavail), as `df` shows it. */
export async function readDisk(path = '/'): Promise<DiskReading | null> {
  try {
    const s = await statfs(path);
    const mb = (blocks: number) => Math.round(((blocks * s.bsize) / 1024 / 1024) * 10) / 10;
    return { freeMb: mb(s.bavail), totalMb: mb(s.blocks) };
  } catch {
    return null;
  }
}

export interface MemoryReading {
  totalMb: number;
  usedMb: number;
  /** Resident set of this process. */
  rssMb: number;
}

const toMb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function readMemory(): MemoryReading {
  const total = os.totalmem();
  // libuv's free memory is MemAvailable on Linux, so "used" excludes reclaimable page cache.
  return { totalMb: toMb(total), usedMb: toMb(total - os.freemem()), rssMb: toMb(process.memoryUsage.rss()) };
}

export function readLoad(): { load1: number; load5: number; load15: number } {
  const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
  return { load1, load5, load15 };
}

/**
 * Whether the wall clock is NTP-synchronised, as systemd-timesyncd records it
 * (/run/systemd/timesync/synchronized, touched on each sync since systemd 239). Null when timesyncd
 * is not in use (chrony, containers): unknown rather than false.
 */
export async function readNtpSynchronized(runRoot = '/run'): Promise<boolean | null> {
  const dir = join(runRoot, 'systemd', 'timesync');
  const hasDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!hasDir) return null;
  return stat(join(dir, 'synchronized')).then(
    () => true,
    () => false,
  );
}
