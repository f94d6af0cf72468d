/** CPU time and memory of a Linux process from /proc, for benches that compare processes. */
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  cpuS: number;
  rssMiB: number;
  /** Peak RSS (VmHWM). */
  hwmMiB: number;
}

const CLK_TCK = 100; // USER_HZ on Linux

export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK, // utime + stime
    rssMiB: kib('VmRSS') / 1024,
    hwmMiB: kib('VmHWM') / 1024,
  };
}

/** Summed over processes that may have exited since (a gone process counts as zero). */
export function procSampleAll(pids: number[]): ProcSample {
  const out: ProcSample = { cpuS: 0, rssMiB: 0, hwmMiB: 0 };
  for (const pid of pids) {
    try {
      const s = procSample(pid);
      out.cpuS += s.cpuS;
      out.rssMiB += s.rssMiB;
      out.hwmMiB += s.hwmMiB;
    } catch {
      // exited (e.g. a spare renderer): nothing left to count
    }
  }
  return out;
}
