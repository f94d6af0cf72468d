/**
 * Per-cycle performance measures computed from the hi-res event stream only (as ATSPM does): arrivals on
 * green/red, split failures (GOR & ROR5 > 0.79, ATSPM), green utilisation, max-out rate, red-light
 * violations (count-station actuations on red), detector counts/occupancy and preemption durations.
 */
import type { DetectorPlan, IntersectionConfig } from '../config.ts';
import type { CycleMeasures, HiResEvent, PhaseCycleMeasures } from '../types.ts';
import { HiRes } from './hires.ts';

type Interval = 'green' | 'yellow' | 'red';
const RED5_MS = 5000;
/** ATSPM split-failure threshold on green and first-5-s-of-red occupancy. */
const SPLIT_FAIL_OCC = 0.79;

interface PhaseAcc {
  greenMs: number;
  greenOccMs: number;
  red5WindowMs: number;
  red5OccMs: number;
  aog: number;
  aor: number;
  gap: number;
  max: number;
  force: number;
  rlv: number;
}

const emptyAcc = (): PhaseAcc => ({
  greenMs: 0,
  greenOccMs: 0,
  red5WindowMs: 0,
  red5OccMs: 0,
  aog: 0,
  aor: 0,
  gap: 0,
  max: 0,
  force: 0,
  rlv: 0,
});

export class CycleMeter {
  private readonly byChannel = new Map<number, DetectorPlan>();
  private readonly interval = new Map<number, Interval>();
  private readonly redStart = new Map<number, number>();
  private readonly detOn = new Set<number>();
  private acc = new Map<number, PhaseAcc>();
  private counts = new Map<string, { count: number; occMs: number }>();
  private preempts: { vehicleId: string; durationMs: number }[] = [];
  private cycle = 0;
  private lastT: number;
  private startMs: number;

  constructor(
    private readonly config: IntersectionConfig,
    private readonly maxGreenMs: (phase: number) => number,
    startMs: number,
  ) {
    for (const d of config.detectors) this.byChannel.set(d.channel, d);
    for (const p of config.phases) if (p.timed) this.interval.set(p.id, 'red');
    this.lastT = startMs;
    this.startMs = startMs;
    this.reset();
  }

  private reset(): void {
    this.acc = new Map(config(this.config).map((id) => [id, emptyAcc()]));
    this.counts = new Map(this.config.detectors.map((d) => [d.id, { count: 0, occMs: 0 }]));
    this.preempts = [];
  }

  /** Integrate occupancy and green time up to `t`. */
  private advance(t: number): void {
    const from = this.lastT;
    const dt = t - from;
    if (dt <= 0) return;
    for (const [id, iv] of this.interval) {
      const a = this.acc.get(id);
      if (!a) continue;
      if (iv === 'green') a.greenMs += dt;
      const rs = this.redStart.get(id);
      if (iv === 'red' && rs !== undefined) a.red5WindowMs += overlap(from, t, rs, rs + RED5_MS);
    }
    for (const ch of this.detOn) {
      const d = this.byChannel.get(ch);
      if (!d) continue;
      const c = this.counts.get(d.id);
      if (c) c.occMs += dt;
      if (d.kind !== 'stopBar') continue;
      for (const p of d.calls) {
        const a = this.acc.get(p);
        const iv = this.interval.get(p);
        const rs = this.redStart.get(p);
        if (!a) continue;
        if (iv === 'green') a.greenOccMs += dt;
        if (iv === 'red' && rs !== undefined) a.red5OccMs += overlap(from, t, rs, rs + RED5_MS);
      }
    }
    this.lastT = t;
  }

  event(e: HiResEvent): void {
    this.advance(e.timestampMs);
    const a = this.acc.get(e.param);
    switch (e.code) {
      case HiRes.BEGIN_GREEN:
        this.interval.set(e.param, 'green');
        break;
      case HiRes.BEGIN_YELLOW:
        this.interval.set(e.param, 'yellow');
        break;
      case HiRes.END_YELLOW:
        this.interval.set(e.param, 'red');
        this.redStart.set(e.param, e.timestampMs);
        break;
      case HiRes.GAP_OUT:
        if (a) a.gap++;
        break;
      case HiRes.MAX_OUT:
        if (a) a.max++;
        break;
      case HiRes.FORCE_OFF:
        if (a) a.force++;
        break;
      case HiRes.DETECTOR_ON:
        this.detectorOn(e.param);
        break;
      case HiRes.DETECTOR_OFF:
        this.detOn.delete(e.param);
        break;
    }
  }

  private detectorOn(channel: number): void {
    this.detOn.add(channel);
    const d = this.byChannel.get(channel);
    if (!d) return;
    const c = this.counts.get(d.id);
    if (c) c.count++;
    for (const p of d.calls) {
      const a = this.acc.get(p);
      const iv = this.interval.get(p);
      if (!a) continue;
      if (d.kind === 'advance' || d.kind === 'count') {
        if (iv === 'green') a.aog++;
        else a.aor++;
      }
      if (d.kind === 'count' && iv === 'red') a.rlv++;
    }
  }

  preemption(vehicleId: string, durationMs: number): void {
    this.preempts.push({ vehicleId, durationMs });
  }

  /** Close the cycle at `t` and start the next one. */
  close(t: number): CycleMeasures {
    this.advance(t);
    const phases: Record<number, PhaseCycleMeasures> = {};
    let terminations = 0;
    let maxOuts = 0;
    for (const [id, a] of this.acc) {
      const gor = a.greenMs > 0 ? a.greenOccMs / a.greenMs : 0;
      const ror5 = a.red5WindowMs > 0 ? a.red5OccMs / a.red5WindowMs : 0;
      const maxG = this.maxGreenMs(id);
      phases[id] = {
        greenMs: a.greenMs,
        arrivalsOnGreen: a.aog,
        arrivalsOnRed: a.aor,
        greenOccupancy: round3(gor),
        redOccupancy5s: round3(ror5),
        splitFailure: gor > SPLIT_FAIL_OCC && ror5 > SPLIT_FAIL_OCC,
        greenUtilisation: maxG > 0 ? round3(Math.min(1, a.greenMs / maxG)) : 0,
        gapOuts: a.gap,
        maxOuts: a.max,
        forceOffs: a.force,
        redLightViolations: a.rlv,
      };
      terminations += a.gap + a.max + a.force;
      maxOuts += a.max;
    }
    const span = Math.max(1, t - this.startMs);
    const detectors: CycleMeasures['detectors'] = {};
    for (const d of this.config.detectors) {
      const c = this.counts.get(d.id) ?? { count: 0, occMs: 0 };
      detectors[d.id] = {
        count: c.count,
        occupancy: round3(c.occMs / span),
        ...(d.lane !== undefined ? { lane: d.lane } : {}),
        ...(d.direction !== undefined ? { direction: d.direction } : {}),
      };
    }
    const out: CycleMeasures = {
      intersectionId: this.config.id,
      cycle: ++this.cycle,
      startMs: this.startMs,
      endMs: t,
      phases,
      detectors,
      maxOutRate: terminations > 0 ? round3(maxOuts / terminations) : 0,
      preemptions: this.preempts,
    };
    this.startMs = t;
    this.reset();
    return out;
  }
}

const config = (c: IntersectionConfig): number[] => c.phases.filter((p) => p.timed).map((p) => p.id);
const overlap = (a0: number, a1: number, b0: number, b1: number): number =>
  Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
