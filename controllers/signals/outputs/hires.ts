/**
 * Indiana Traffic Signal Hi-Resolution Data Logger Enumerations (Purdue/INDOT 2012) and the ATSPM
 * CSV export. Events are derived by diffing consecutive frames, so the log reflects what was displayed.
 */
import type { HiResEvent } from '../types.ts';
import type { Frame } from './intervals.ts';

export const HiRes = {
  PHASE_ON: 0,
  BEGIN_GREEN: 1,
  GAP_OUT: 4,
  MAX_OUT: 5,
  FORCE_OFF: 6,
  GREEN_TERMINATION: 7,
  BEGIN_YELLOW: 8,
  END_YELLOW: 9,
  BEGIN_RED_CLEARANCE: 10,
  END_RED_CLEARANCE: 11,
  PHASE_INACTIVE: 12,
  PED_BEGIN_WALK: 21,
  PED_BEGIN_CLEARANCE: 22,
  PED_BEGIN_DONT_WALK: 23,
  PHASE_CALL_REGISTERED: 43,
  PHASE_CALL_DROPPED: 44,
  PED_CALL_REGISTERED: 45,
  DETECTOR_OFF: 81,
  DETECTOR_ON: 82,
  DETECTOR_RESTORED: 83,
  DETECTOR_FAULT_OTHER: 84,
  PREEMPT_CALL_ON: 102,
  PREEMPT_CALL_OFF: 104,
  PREEMPT_ENTRY_STARTED: 105,
  PREEMPT_BEGIN_TRACK_CLEARANCE: 106,
  PREEMPT_BEGIN_DWELL: 107,
  PREEMPT_BEGIN_EXIT: 111,
  FLASH_STATUS_CHANGE: 173,
} as const;

/** Indiana 173 parameter: flash cause. */
export const FlashParam = { NOT_FLASH: 2, LOCAL_MANUAL: 4, MMU: 6, STARTUP: 7 } as const;

export type Emit = (code: number, param: number) => void;

/** Emit phase / ped interval changes between two frames, in Indiana order within one instant. */
export function diffFrames(prev: Frame, next: Frame, terminationCode: (phase: number) => number, emit: Emit) {
  for (const [idStr, now] of Object.entries(next.phases)) {
    const id = Number(idStr);
    const was = prev.phases[id] ?? 'red';
    if (now === was) continue;
    if (was === 'green') {
      emit(terminationCode(id), id);
      emit(HiRes.GREEN_TERMINATION, id);
    }
    if (now === 'yellow') emit(HiRes.BEGIN_YELLOW, id);
    if (was === 'yellow') emit(HiRes.END_YELLOW, id);
    if (now === 'redClearance' || (was === 'yellow' && now === 'red')) emit(HiRes.BEGIN_RED_CLEARANCE, id);
    if (was === 'redClearance' || (was === 'yellow' && now === 'red')) {
      emit(HiRes.END_RED_CLEARANCE, id);
      emit(HiRes.PHASE_INACTIVE, id);
    }
    if (now === 'green') {
      emit(HiRes.PHASE_ON, id);
      emit(HiRes.BEGIN_GREEN, id);
    }
  }
  for (const [idStr, now] of Object.entries(next.peds)) {
    const id = Number(idStr);
    const was = prev.peds[id] ?? 'dontWalk';
    if (now === was) continue;
    emit(
      now === 'walk'
        ? HiRes.PED_BEGIN_WALK
        : now === 'pedClearance'
          ? HiRes.PED_BEGIN_CLEARANCE
          : HiRes.PED_BEGIN_DONT_WALK,
      id,
    );
  }
}

/** ATSPM resolution: tenths of a second (truncated). */
export const toDecisecond = (ms: number): number => Math.floor(ms / 100) * 100;

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${Math.floor(d.getUTCMilliseconds() / 100)}`
  );
}

/** CSV in ATSPM column order `SignalID,Timestamp,EventCode,EventParam` (UTC timestamps). */
export function toAtspmCsv(events: readonly HiResEvent[]): string {
  const rows = events.map((e) => `${e.signalId},${stamp(e.timestampMs)},${e.code},${e.param}`);
  return ['SignalID,Timestamp,EventCode,EventParam', ...rows].join('\n') + '\n';
}
