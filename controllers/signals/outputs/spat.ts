/** SPaT-like state: per ring the current phase, its interval and the window in which it can change. */
import type { IntersectionConfig } from '../config.ts';
import { delays } from '../sequencer/guards.ts';
import type { RingSpat, SpatState } from '../types.ts';
import type { Frame, SequencerSnapshot } from './intervals.ts';

export function spatOf(
  config: IntersectionConfig,
  s: SequencerSnapshot,
  frame: Frame,
  since: Map<number, number>,
  now: number,
  latched: boolean,
): SpatState {
  const ctx = s.context;
  const rings: RingSpat[] = config.rings.map((ring, r) => {
    const phase =
      ring.find((id) => ctx.green.includes(id)) ?? ring.find((id) => ctx.clearing.includes(id)) ?? null;
    const interval = phase === null ? 'red' : (frame.phases[phase] ?? 'red');
    const start = phase === null ? now : (since.get(phase) ?? now);
    let minEnd: number | null = null;
    let maxEnd: number | null = null;
    if (interval === 'yellow') minEnd = maxEnd = start + delays.yellow(ctx);
    else if (interval === 'redClearance') minEnd = maxEnd = start + delays.redClearance(ctx);
    else if (interval === 'green' && s.matches('preemption')) minEnd = start + delays.dwellMin(ctx);
    else if (interval === 'green' && !s.matches('manualHold')) {
      // Each phase times its own min (NEMA TS2), so the ring's phase gives its earliest end.
      const ownMin = config.phases.find((p) => p.id === phase)?.minGreenMs ?? 0;
      minEnd = start + ownMin;
      // Resting with no conflicting call: the max timer has not started, so there is no latest end.
      const resting = s.matches({ normal: { green: { max: 'idle' } } });
      maxEnd = resting ? null : ctx.flags.maxExpired ? now : start + Math.max(ownMin, delays.maxGreen(ctx));
    }
    const timeToChangeMs = minEnd === null ? null : Math.max(0, minEnd - now);
    return { ring: r + 1, phase, interval, minEndMs: minEnd, maxEndMs: maxEnd, timeToChangeMs };
  });
  const head = ctx.preempts.find((p) => !p.cleared);
  return {
    intersectionId: config.id,
    timestampMs: now,
    mode: latched ? 'flash' : frame.mode,
    rings,
    phases: { ...frame.phases },
    preempt: head ? { vehicleId: head.vehicleId, phases: head.phases } : null,
    monitorLatched: latched,
  };
}
