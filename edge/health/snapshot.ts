/**
 * Typed health snapshot of the edge box: system readings from this module plus fields other parts of
 * the agent supply (durable queue depth, serial link status, camera status). `toHealthPayload` gives
 * the exact `cityedge/v1` health payload (core/contract/payloads.ts `health`).
 */
import { uptime as systemUptime } from 'node:os';
import type { z } from 'zod';
import type { LinkStatus } from '../../core/ports/serial.ts';
import { rejectedFrames } from '../../core/ports/serial-frames.ts';
import type { CameraHealth } from '../bindings/camera/status.ts';
import type { payloads } from '../../core/contract/index.ts';
import { readCpuTempC, readDisk, readLoad, readMemory, readNtpSynchronized } from './system.ts';

export type HealthPayload = z.infer<typeof payloads.health>;

/** Fields owned by other modules, passed in by the agent. */
export interface HealthInputs {
  queueDepth?: number;
  queueDropped?: number;
  serial?: LinkStatus | null;
  cameras?: Record<string, CameraHealth>;
}

export interface HealthOptions {
  /** Root of sysfs (tests point this at a fake tree). Default '/sys'. */
  sysRoot?: string;
  /** Filesystem whose free space matters (queue/data dir). Default '/'. */
  diskPath?: string;
  /** Root of /run for the NTP sync flag. Default '/run'. */
  runRoot?: string;
}

export interface HealthSnapshot {
  /** System uptime. */
  uptimeS: number;
  processUptimeS: number;
  cpuTempC: number | null;
  /** Wall clock NTP-synchronised (timesyncd); null when unknown. Timestamps are suspect when false. */
  ntpSynchronized: boolean | null;
  memUsedMb: number;
  memTotalMb: number;
  rssMb: number;
  diskFreeMb: number | null;
  diskTotalMb: number | null;
  load1: number;
  load5: number;
  load15: number;
  queueDepth: number;
  queueDropped: number;
  serial: LinkStatus | null;
  cameras: Record<string, CameraHealth>;
}

export async function collectHealth(
  inputs: HealthInputs = {},
  opts: HealthOptions = {},
): Promise<HealthSnapshot> {
  const [cpuTempC, disk, ntpSynchronized] = await Promise.all([
    readCpuTempC(opts.sysRoot),
    readDisk(opts.diskPath),
    readNtpSynchronized(opts.runRoot),
  ]);
  const mem = readMemory();
  return {
    uptimeS: Math.round(systemUptime()),
    processUptimeS: Math.round(process.uptime()),
    cpuTempC,
    ntpSynchronized,
    memUsedMb: mem.usedMb,
    memTotalMb: mem.totalMb,
    rssMb: mem.rssMb,
    diskFreeMb: disk?.freeMb ?? null,
    diskTotalMb: disk?.totalMb ?? null,
    ...readLoad(),
    queueDepth: inputs.queueDepth ?? 0,
    queueDropped: inputs.queueDropped ?? 0,
    serial: inputs.serial ?? null,
    cameras: { ...inputs.cameras },
  };
}

/** Frames rejected by the parser, the single number the contract carries. */
export function badFrames(s: LinkStatus): number {
  return rejectedFrames(s.counters);
}

/** Projects a snapshot onto the contract's strict health payload. */
export function toHealthPayload(s: HealthSnapshot): HealthPayload {
  return {
    uptimeS: s.uptimeS,
    cpuTempC: s.cpuTempC,
    memUsedMb: s.memUsedMb,
    memTotalMb: s.memTotalMb,
    rssMb: s.rssMb,
    diskFreeMb: s.diskFreeMb,
    load1: s.load1,
    queueDepth: s.queueDepth,
    queueDropped: s.queueDropped,
    serial: s.serial
      ? {
          state: s.serial.state === 'up' ? 'up' : 'down',
          reconnects: s.serial.reconnects,
          badFrames: badFrames(s.serial),
        }
      : null,
    cameras: s.cameras,
  };
}
