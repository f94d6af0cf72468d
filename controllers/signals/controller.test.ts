import { describe, expect, it } from 'vitest';
import { HiRes, toAtspmCsv } from './outputs/hires.ts';
import { routeToRequests } from './priority/plan.ts';
import { parseIntersectionConfig } from './config.ts';
import { SimulatedClock } from 'xstate';
import { createIntersectionController } from './controller.ts';
import { example, exampleObject, rig } from './test-helpers.ts';
import type { CountEvent, CycleMeasures, HiResEvent, SafetyAlarm } from './types.ts';

function collect(r: ReturnType<typeof rig>) {
  const events: HiResEvent[] = [];
  const alarms: SafetyAlarm[] = [];
  const cycles: CycleMeasures[] = [];
  const counts: CountEvent[] = [];
  r.ctl.onEvent((e) => events.push(e));
  r.ctl.onAlarm((a) => alarms.push(a));
  r.ctl.onCycle((m) => cycles.push(m));
  r.ctl.onCount((c) => counts.push(c));
  return { events, alarms, cycles, counts };
}

const greens = (h: Record<string, string>) =>
  Object.entries(h)
    .filter(([, v]) => v === 'green' || v === 'greenArrow')
    .map(([k]) => k)
    .sort();

describe('startup and resting', () => {
  it('flashes, then all-red, then rests in the main-road greens with no calls', () => {
    const r = rig('four-leg-protected', false);
    const log = collect(r);
    r.ctl.start();
    r.run(1000);
    expect(Object.values(r.ctl.heads()).every((h) => h === 'flashingRed')).toBe(true);
    r.run(5000);
    expect(Object.values(r.ctl.heads()).every((h) => h === 'red')).toBe(true);
    r.run(300_000, 1000);
    expect(greens(r.ctl.heads())).toEqual(['EB-through', 'WB-through']);
    const began = log.events.filter((e) => e.code === HiRes.BEGIN_GREEN).map((e) => e.param);
    expect(began.sort()).toEqual([2, 6]); // nothing else was ever served
    expect(log.events.filter((e) => e.code === HiRes.FLASH_STATUS_CHANGE).map((e) => e.param)).toEqual([
      7, 2,
    ]);
    expect(log.alarms.filter((a) => a.latched)).toEqual([]);
    expect(log.events.filter((e) => e.code === HiRes.PHASE_CALL_REGISTERED)).toEqual([]); // soft recall is no call
  });
});

describe('responsive operation', () => {
  it('serves a side-road call, skips uncalled lefts, and gaps out', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(30_000);
    r.ctl.detector('nb-stop', true);
    r.run(300);
    r.ctl.detector('nb-stop', false);
    r.run(20_000);
    const order = log.events.filter((e) => e.code === HiRes.BEGIN_GREEN).map((e) => e.param);
    expect(order).toEqual([2, 6, 4, 8, 2, 6]); // 8 by dual entry; lefts 3 and 7 skipped
    const calls = log.events.filter(
      (e) => e.code === HiRes.PHASE_CALL_REGISTERED || e.code === HiRes.PHASE_CALL_DROPPED,
    );
    expect(calls.map((e) => [e.code, e.param])).toEqual([
      [43, 4],
      [44, 4], // stop-bar presence is non-locking: the call drops when the vehicle leaves
    ]);
    const term4 = log.events.find((e) => e.param === 4 && [4, 5, 6].includes(e.code));
    expect(term4?.code).toBe(HiRes.GAP_OUT);
    expect(greens(r.ctl.heads())).toEqual(['EB-through', 'WB-through']);
  });

  it('maxes out when the detector stays occupied and a conflicting call waits', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    r.ctl.detector('nb-stop', true);
    r.run(40_000);
    const on = log.events.find((e) => e.code === HiRes.BEGIN_GREEN && e.param === 4);
    const end = log.events.find((e) => e.code === HiRes.MAX_OUT && e.param === 4);
    expect(on && end).toBeTruthy();
    // NEMA: the max timer starts on the conflicting call (soft recall of 2/6 does not count while 4 has
    // demand), so here it started at green: 25 s Max1.
    expect((end?.timestampMs ?? 0) - (on?.timestampMs ?? 0)).toBeGreaterThanOrEqual(25_000);
  });

  it('times walk and ped clearance for a ped call, never cutting the clearance', () => {
    const r = rig('t-junction');
    const log = collect(r);
    r.run(15_000);
    r.ctl.detector('nb-ped', true);
    r.ctl.detector('nb-ped', false);
    r.run(60_000);
    const at = (code: number) =>
      log.events.find((e) => e.code === code && e.param === 4)?.timestampMs ?? Number.NaN;
    expect(at(HiRes.PED_BEGIN_CLEARANCE) - at(HiRes.PED_BEGIN_WALK)).toBe(7000);
    expect(at(HiRes.PED_BEGIN_DONT_WALK) - at(HiRes.PED_BEGIN_CLEARANCE)).toBe(12_000);
    expect(at(HiRes.BEGIN_YELLOW)).toBeGreaterThanOrEqual(at(HiRes.PED_BEGIN_DONT_WALK));
  });

  it('holds a phase on operator command and releases it', () => {
    const r = rig('four-leg-protected');
    r.run(20_000);
    expect(r.ctl.command({ type: 'hold', phase: 4 }).ok).toBe(true);
    r.run(120_000);
    expect(r.ctl.mode()).toBe('manualHold');
    expect(greens(r.ctl.heads())).toContain('NB-through');
    r.ctl.command({ type: 'release' });
    r.run(60_000);
    expect(greens(r.ctl.heads())).toEqual(['EB-through', 'WB-through']);
    expect(r.ctl.command({ type: 'hold', phase: 42 }).ok).toBe(false);
    expect(r.ctl.errorCounts().COMMAND_INVALID).toBe(1);
  });

  it('goes to flash through yellow and red on operator command and recovers via all-red', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    r.ctl.command({ type: 'flash' });
    r.run(10_000);
    expect(r.ctl.mode()).toBe('flash');
    expect(log.events.some((e) => e.code === HiRes.BEGIN_YELLOW && e.param === 2)).toBe(true);
    r.ctl.command({ type: 'resetFlash' });
    r.run(1000);
    expect(Object.values(r.ctl.heads()).every((h) => h === 'red')).toBe(true);
    r.run(10_000);
    expect(r.ctl.mode()).toBe('normal');
  });
});

describe('emergency-vehicle priority', () => {
  it('activates late enough to disturb little, yet has the EV phase green at arrival, then exits', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    const eta = r.clock.now() + 60_000;
    expect(r.ctl.requestPriority({ vehicleId: 'amb-1', approach: 'northbound', etaMs: eta }).ok).toBe(true);
    r.run(20_000);
    expect(greens(r.ctl.heads())).toEqual(['EB-through', 'WB-through']); // not yet activated
    r.run(40_000);
    expect(greens(r.ctl.heads())).toEqual(['NB-left', 'NB-through']);
    expect(r.ctl.spat().preempt?.vehicleId).toBe('amb-1');
    r.ctl.detector('nb-checkout', true); // the EV passes the check-out detector
    r.ctl.detector('nb-checkout', false);
    r.run(30_000);
    expect(greens(r.ctl.heads())).toEqual(['EB-through', 'WB-through']);
    const codes = log.events.map((e) => e.code);
    for (const c of [102, 105, 107, 111, 104]) expect(codes).toContain(c);
    // Preempt number 3 (ev-nb) on every preempt record.
    expect(new Set(log.events.filter((e) => e.code >= 102 && e.code <= 111).map((e) => e.param))).toEqual(
      new Set([3]),
    );
    const pre = log.cycles.flatMap((c) => c.preemptions);
    expect(pre.map((p) => p.vehicleId)).toEqual(['amb-1']);
    expect(pre[0]?.durationMs).toBeGreaterThan(8000); // at least the dwell
    expect(log.alarms.filter((a) => a.latched)).toEqual([]);
  });

  it('pre-empts a running green down to the preempt minimum when the ETA is close', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    r.ctl.detector('nb-stop', true); // held: phase 4 would extend to max
    while (r.ctl.heads()['NB-through'] !== 'green') r.run(100);
    r.run(2000);
    const begin4 = log.events.find((e) => e.code === HiRes.BEGIN_GREEN && e.param === 4)?.timestampMs ?? 0;
    // 16 s is below the 22 s full-minimum lead but covers the urgent worst case (preempt minimum).
    const eta = r.clock.now() + 16_000;
    r.ctl.requestPriority({ vehicleId: 'fire-7', approach: 'eastbound', etaMs: eta });
    r.run(eta - r.clock.now());
    expect(greens(r.ctl.heads())).toEqual(['EB-left', 'EB-through']);
    const end4 = log.events.find((e) => e.code === HiRes.FORCE_OFF && e.param === 4)?.timestampMs ?? 0;
    expect(end4 - begin4).toBeGreaterThanOrEqual(4000); // never below the 4 s preempt minimum
    const y4 = log.events
      .filter((e) => e.param === 4 && (e.code === 8 || e.code === 9))
      .map((e) => e.timestampMs);
    expect((y4[1] ?? 0) - (y4[0] ?? 0)).toBe(3500); // yellow untouched
  });

  it('extends a green that already serves the EV instead of cycling away', () => {
    const r = rig('four-leg-protected');
    r.run(20_000);
    r.ctl.requestPriority({ vehicleId: 'pol-1', phase: 2, etaMs: r.clock.now() + 15_000 });
    r.ctl.detector('nb-stop', true); // a conflicting call that would otherwise take the green
    r.run(15_000);
    expect(greens(r.ctl.heads())).toContain('EB-through');
    r.ctl.cancelPriority('pol-1');
    r.run(40_000);
    expect(greens(r.ctl.heads())).toContain('NB-through');
  });

  it('queues a conflicting request and never shows both EV phases green', () => {
    const r = rig('four-leg-protected');
    r.run(20_000);
    const now = r.clock.now();
    r.ctl.requestPriority({ vehicleId: 'a', approach: 'northbound', etaMs: now + 10_000 });
    r.ctl.requestPriority({ vehicleId: 'b', approach: 'eastbound', etaMs: now + 12_000 });
    let bothGreen = false;
    const served: string[] = [];
    for (let t = 0; t < 90_000; t += 100) {
      r.run(100);
      const g = greens(r.ctl.heads());
      if (g.includes('NB-through') && g.includes('EB-through')) bothGreen = true;
      const v = r.ctl.spat().preempt?.vehicleId;
      if (v && served.at(-1) !== v && r.ctl.mode() === 'preemption') served.push(v);
      if (t === 30_000) r.ctl.checkOut('a');
      if (t === 60_000) r.ctl.checkOut('b');
    }
    expect(bothGreen).toBe(false);
    expect(served).toEqual(['a', 'b']);
  });

  it('rejects requests naming nothing it can serve, and counts them', () => {
    const r = rig('t-junction');
    expect(r.ctl.requestPriority({ vehicleId: 'x', approach: 'skyward', etaMs: 1 }).ok).toBe(false);
    expect(r.ctl.cancelPriority('ghost').ok).toBe(false);
    expect(r.ctl.errorCounts()).toEqual({ PRIORITY_UNKNOWN_TARGET: 1, PRIORITY_UNKNOWN_VEHICLE: 1 });
  });

  it('turns a shared route into per-intersection ETAs', () => {
    const r = routeToRequests({
      routeId: 'r1',
      vehicleId: 'amb',
      departMs: 1000,
      speedMps: 20,
      stops: [
        { intersectionId: 'a', distanceM: 200, approach: 'eastbound' },
        { intersectionId: 'b', distanceM: 700, phase: 4 },
      ],
    });
    expect(r.ok && r.value.map((q) => [q.intersectionId, q.etaMs])).toEqual([
      ['a', 11_000],
      ['b', 36_000],
    ]);
    expect(routeToRequests({ routeId: 'r', vehicleId: 'v', departMs: 0, speedMps: 0, stops: [] }).ok).toBe(
      false,
    );
  });
});

describe('smart-intersection hooks and outputs', () => {
  it('validates timing plans against bounds and applies them at the next cycle boundary', () => {
    const r = rig('four-leg-protected');
    const bad = r.ctl.applyTiming({ maxGreenS: { 2: 70 } });
    expect(!bad.ok && bad.error.message).toBe(
      'maxGreenS[2]: max green 70 s is outside the bounds [15, 60] s',
    );
    expect(r.ctl.applyTiming({ maxGreenS: { 9: 20 } }).ok).toBe(false);
    expect(r.ctl.applyTiming({ maxGreenS: { 4: 12, 8: 12 } }).ok).toBe(true);
    const log = collect(r);
    r.run(20_000);
    // First service of 4 still uses the old Max1 (25 s): the plan waits for the cycle boundary.
    r.ctl.detector('nb-stop', true);
    r.run(100_000);
    const ons = log.events
      .filter((e) => e.code === HiRes.BEGIN_GREEN && e.param === 4)
      .map((e) => e.timestampMs);
    const outs = log.events
      .filter((e) => e.code === HiRes.MAX_OUT && e.param === 4)
      .map((e) => e.timestampMs);
    expect((outs[0] ?? 0) - (ons[0] ?? 0)).toBe(25_000);
    expect((outs[1] ?? 0) - (ons[1] ?? 0)).toBe(12_000);
    expect(log.cycles.length).toBeGreaterThan(0);
  });

  it('emits count events with lane and direction, and per-cycle detector counts', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    for (let i = 0; i < 3; i++) {
      r.ctl.detector('nb-count', true);
      r.run(500);
      r.ctl.detector('nb-count', false);
      r.run(500);
    }
    r.run(60_000);
    expect(log.counts.map((c) => [c.detectorId, c.lane, c.direction])).toEqual([
      ['nb-count', 2, 'NB'],
      ['nb-count', 2, 'NB'],
      ['nb-count', 2, 'NB'],
    ]);
    const total = log.cycles.reduce((n, c) => n + (c.detectors['nb-count']?.count ?? 0), 0);
    expect(total).toBe(3);
    const aor = log.cycles.reduce((n, c) => n + (c.phases[4]?.arrivalsOnRed ?? 0), 0);
    expect(aor).toBeGreaterThanOrEqual(1); // first arrival came on red
  });

  it('flags a stuck detector, puts its phase on recall, and recovers', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    r.ctl.detector('nb-left-stop', true);
    r.run(320_000, 1000);
    expect(log.alarms.some((a) => a.kind === 'detectorStuckOn' && a.detectorId === 'nb-left-stop')).toBe(
      true,
    );
    const before = log.events.filter((e) => e.code === HiRes.BEGIN_GREEN && e.param === 7).length;
    r.run(200_000, 1000);
    const after = log.events.filter((e) => e.code === HiRes.BEGIN_GREEN && e.param === 7).length;
    expect(after).toBeGreaterThan(before); // served on recall although its input is ignored
    r.ctl.detector('nb-left-stop', false);
    r.run(2000);
    expect(log.alarms.some((a) => a.kind === 'detectorRecovered')).toBe(true);
  });

  it('flags a chattering detector', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000);
    for (let i = 0; i < 200; i++) {
      r.ctl.detector('eb-adv', i % 2 === 0);
      r.run(100);
    }
    expect(log.alarms.some((a) => a.kind === 'detectorChatter')).toBe(true);
    expect(r.ctl.detector('nope', true).ok).toBe(false);
  });

  it('timestamps hi-res events to the decisecond and exports ATSPM CSV', () => {
    const r = rig('t-junction');
    const log = collect(r);
    r.run(30_000, 1000);
    expect(log.events.every((e) => e.timestampMs % 100 === 0)).toBe(true);
    const csv = toAtspmCsv(log.events.slice(0, 2));
    expect(csv.split('\n')[0]).toBe('SignalID,Timestamp,EventCode,EventParam');
    expect(csv.split('\n')[1]).toMatch(/^1002,1970-01-01 00:00:0\d\.\d,\d+,\d+$/);
  });

  it('fires timers at their exact due times when driven in 1 s steps', () => {
    const r = rig('four-leg-protected');
    const log = collect(r);
    r.run(20_000, 1000);
    r.ctl.detector('nb-stop', true);
    r.ctl.detector('nb-stop', false);
    r.run(40_000, 1000);
    // Phases 4 and 8 gap out together: yellow 3.5 s, red clearance 2 s, then 2/6 begin green.
    const at = (code: number, p: number) =>
      log.events.find((e) => e.code === code && e.param === p)?.timestampMs ?? 0;
    expect(at(HiRes.END_YELLOW, 4) - at(HiRes.BEGIN_YELLOW, 4)).toBe(3500); // not stretched to 4 s
    expect(at(HiRes.END_RED_CLEARANCE, 4) - at(HiRes.END_YELLOW, 4)).toBe(2000);
    const green2 = log.events
      .filter((e) => e.code === HiRes.BEGIN_GREEN && e.param === 2)
      .at(-1)?.timestampMs;
    expect(green2).toBe(at(HiRes.END_RED_CLEARANCE, 4));
    // 4 began green at 20 s + 4.0 s yellow + 1.5 s red clearance: between two 1 s steps.
    expect(at(HiRes.BEGIN_GREEN, 4)).toBe(25_500);
  });

  it('reports SPaT with min/max ends for the running green', () => {
    const r = rig('four-leg-protected');
    r.run(20_000);
    expect(r.ctl.spat().rings[0]?.maxEndMs).toBeNull(); // resting in 2/6: no conflicting call
    r.ctl.detector('nb-stop', true);
    r.run(8000);
    const s = r.ctl.spat();
    expect(s.mode).toBe('normal');
    const ring1 = s.rings[0];
    expect(ring1?.phase).toBe(4);
    expect(ring1?.interval).toBe('green');
    expect((ring1?.maxEndMs ?? 0) - (ring1?.minEndMs ?? 0)).toBe(18_000); // 25 s max − 7 s min
    r.ctl.stop();
    expect(Object.values(r.ctl.heads()).every((h) => h === 'dark')).toBe(true);
  });
});

describe('EV re-requests', () => {
  it('a served EV that updates its ETA keeps its dwell ahead of a queued conflicting EV', () => {
    const r = rig('four-leg-protected');
    r.run(20_000);
    const now = r.clock.now();
    r.ctl.requestPriority({ vehicleId: 'a', approach: 'northbound', etaMs: now + 10_000 });
    r.run(12_000);
    expect(r.ctl.spat().preempt?.vehicleId).toBe('a');
    r.ctl.requestPriority({ vehicleId: 'b', approach: 'eastbound', etaMs: r.clock.now() + 1000 });
    r.ctl.requestPriority({ vehicleId: 'a', approach: 'northbound', etaMs: r.clock.now() + 5000 });
    r.run(20_000);
    expect(greens(r.ctl.heads())).toEqual(['NB-left', 'NB-through']); // still serving a
    r.ctl.checkOut('a');
    r.run(20_000);
    expect(greens(r.ctl.heads())).toEqual(['EB-left', 'EB-through']);
  });
});

describe('EV queued behind a cancelled dwell', () => {
  // Found by the property test (seed 2118948859): the first EV's dwell ended on its own exit phases
  // (no change interval) at the instant a second EV for other phases activated; the exit went
  // straight to the second dwell and the through greens turned red without yellow.
  it('times yellow and red clearance on the exit phases before the next EV dwell starts', () => {
    const r = rig('t-junction');
    const alarms: SafetyAlarm[] = [];
    r.ctl.onAlarm((a) => alarms.push(a));
    r.run(9000);
    const now = r.clock.now();
    r.ctl.requestPriority({ vehicleId: 'ev-1', approach: 'eastbound', etaMs: now });
    r.run(300);
    r.ctl.requestPriority({ vehicleId: 'ev-0', approach: 'northbound', etaMs: r.clock.now() + 28_700 });
    r.run(100);
    r.ctl.cancelPriority('ev-1');
    const seen = new Set<string>();
    for (let t = 0; t < 12_000; t += 100) {
      r.run(100);
      seen.add(r.ctl.heads()['EB-through'] ?? 'dark');
    }
    expect(alarms.filter((a) => a.latched)).toEqual([]);
    expect(seen.has('yellow')).toBe(true);
    expect(greens(r.ctl.heads())).toEqual(['NB-stem']);
  });
});

describe('maximum wait per movement', () => {
  /** Four-leg example with the main road held by a standing queue and a side-road car waiting. */
  function starveSideRoad(maxWaitS?: number) {
    const o = exampleObject('four-leg-protected');
    if (maxWaitS !== undefined) o.maxWaitS = maxWaitS;
    const parsed = parseIntersectionConfig(o);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const r = rig(parsed.value);
    const log = collect(r);
    r.run(30_000);
    r.ctl.detector('eb-adv', true); // EB through keeps extending (a queue over its loop)
    const calledAt = r.clock.now();
    r.ctl.detector('nb-stop', true); // a car on the side road's stop bar
    r.run(70_000);
    const nbGreen = log.events.find((e) => e.code === HiRes.BEGIN_GREEN && e.param === 4);
    const ends: number[] = [HiRes.MAX_OUT, HiRes.FORCE_OFF];
    const ebEnd = log.events.find((e) => e.param === 2 && ends.includes(e.code));
    return { waitedMs: (nbGreen?.timestampMs ?? Number.NaN) - calledAt, ebEnd, log };
  }

  it('forces the running greens off once a call has stood past its max wait, then serves it', () => {
    const { waitedMs, ebEnd, log } = starveSideRoad(25);
    expect(ebEnd?.code).toBe(HiRes.FORCE_OFF);
    // Served after 25 s (1 s housekeeping resolution) plus EB's yellow + red clearance, not at max (55 s).
    expect(waitedMs).toBeGreaterThanOrEqual(25_000);
    expect(waitedMs).toBeLessThanOrEqual(26_000 + 3800 + 1500 + 100);
    expect(log.alarms.filter((a) => a.latched)).toEqual([]);
  });

  it('leaves actuation alone while every wait is below the max (default 120 s): EB maxes out', () => {
    const { waitedMs, ebEnd } = starveSideRoad();
    expect(ebEnd?.code).toBe(HiRes.MAX_OUT);
    expect(waitedMs).toBeGreaterThan(50_000);
  });
});

describe('advance-loop gap decisions', () => {
  /** EB through (60 km/h, passage 3 s) with cars crossing its advance loop every 5 s, NB waiting. */
  function pulses(setbackM?: number) {
    const o = exampleObject('four-leg-protected');
    const dets = o.detectors as Record<string, unknown>[];
    if (setbackM !== undefined) for (const d of dets) if (d.id === 'eb-adv') d.setbackM = setbackM;
    const parsed = parseIntersectionConfig(o);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const r = rig(parsed.value);
    const log = collect(r);
    r.run(30_000);
    for (let k = 0; k < 14; k++) {
      r.ctl.detector('eb-adv', true);
      r.run(500);
      r.ctl.detector('eb-adv', false);
      r.run(2000);
      // NB calls once the EB platoon is running (a call on a green with no traffic gaps out at once).
      if (k === 0) r.ctl.detector('nb-adv', true);
      if (k === 0) r.ctl.detector('nb-adv', false);
      r.run(2500);
    }
    const end = log.events.find(
      (e) => e.param === 2 && (e.code === HiRes.GAP_OUT || e.code === HiRes.MAX_OUT),
    );
    return { config: parsed.value, end };
  }

  it('holds the green while gaps at the loop are shorter than its travel time to the stop line', () => {
    const { config, end } = pulses(100);
    // 100 m at 60 km/h = 6.0 s, less the 3 s passage timed after the output drops.
    expect(config.detectors.find((d) => d.id === 'eb-adv')?.extendMs).toBe(3000);
    expect(end?.code).toBe(HiRes.MAX_OUT);
  });

  it('without a setback the same 4.5 s gaps end the green on the passage timer', () => {
    const { config, end } = pulses();
    expect(config.detectors.find((d) => d.id === 'eb-adv')?.extendMs).toBe(0);
    expect(end?.code).toBe(HiRes.GAP_OUT);
  });

  it('refuses a setback on a non-advance detector or on one that extends nothing', () => {
    const o = exampleObject('four-leg-protected');
    const dets = o.detectors as Record<string, unknown>[];
    for (const d of dets) if (d.id === 'nb-stop' || d.id === 'eb-checkout') d.setbackM = 40;
    const r = parseIntersectionConfig(o);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (id: string) => `detectors[${dets.findIndex((d) => d.id === id)}].setbackM`;
    expect(r.error.message).toContain(`${at('nb-stop')}: only an advance loop has a setback`);
    expect(r.error.message).toContain(
      `${at('eb-checkout')}: an advance loop with a setback must extend a phase`,
    );
  });
});

describe('left-turn mode per cycle (through the controller)', () => {
  /** T-junction (WB-left protected-permissive against EB-through) with a fixed per-cycle mode. */
  function run(mode: 'protected' | 'permissive') {
    const config = example('t-junction');
    const clock = new SimulatedClock();
    const ctl = createIntersectionController(config, { clock, leftTurnPolicy: () => ({ 1: mode }) });
    const events: HiResEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    ctl.start();
    const step = (ms: number) => {
      for (let t = 0; t < ms; t += 100) clock.increment(100);
    };
    step(20_000);
    // A cycle through the side street closes the cycle (the mode is chosen there); the mode takes
    // effect at the next stage without the left or its opposing through: the next side-street stage.
    for (let k = 0; k < 2; k++) {
      ctl.detector('nb-stop', true);
      step(300);
      ctl.detector('nb-stop', false);
      step(40_000);
    }
    const heads = ctl.heads();
    const before = events.length;
    ctl.detector('wb-left-stop', true); // a left waits in the pocket
    step(300);
    ctl.detector('nb-stop', true);
    step(300);
    ctl.detector('nb-stop', false);
    step(60_000);
    const arrow = events.slice(before).some((e) => e.code === HiRes.BEGIN_GREEN && e.param === 1);
    return { heads, arrow };
  }

  it('protected: no flashing yellow arrow while the opposing through is green; the arrow serves the left', () => {
    const r = run('protected');
    expect(r.heads['EB-through']).toBe('green');
    expect(r.heads['WB-left']).toBe('red');
    expect(r.arrow).toBe(true);
  });

  it('permissive: the left turns on its FYA, its arrow phase is skipped', () => {
    const r = run('permissive');
    expect(r.heads['EB-through']).toBe('green');
    expect(r.heads['WB-left']).toBe('flashingYellowArrow');
    expect(r.arrow).toBe(false);
  });
});

describe('max wait with a left running permissive', () => {
  it("restarts the left's wait while its FYA serves it: back on its arrow, nothing is forced off at once", () => {
    const o = exampleObject('t-junction');
    o.maxWaitS = 25;
    const parsed = parseIntersectionConfig(o);
    if (!parsed.ok) throw new Error(parsed.error.message);
    let mode: 'permissive' | 'protected-permissive' = 'permissive';
    const clock = new SimulatedClock();
    const ctl = createIntersectionController(parsed.value, { clock, leftTurnPolicy: () => ({ 1: mode }) });
    const events: HiResEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    ctl.start();
    const step = (ms: number) => {
      for (let t = 0; t < ms; t += 100) clock.increment(100);
    };
    const sideCycle = () => {
      ctl.detector('nb-stop', true);
      step(300);
      ctl.detector('nb-stop', false);
      step(40_000);
    };
    step(20_000);
    sideCycle();
    sideCycle(); // permissive in force
    ctl.detector('wb-left-stop', true); // a left waits on its FYA far longer than the max wait
    step(60_000);
    mode = 'protected-permissive';
    sideCycle();
    sideCycle();
    const forced = events.filter((e) => e.code === HiRes.FORCE_OFF && e.param === 2);
    expect(forced).toEqual([]);
    // The left's arrow comes back and serves it.
    expect(events.some((e) => e.code === HiRes.BEGIN_GREEN && e.param === 1)).toBe(true);
  });
});

describe('a left running permissive with no opposing traffic', () => {
  it('gets its arrow: nothing else would show its flashing yellow arrow', () => {
    // Four-leg layout, NB-left (7) protected-permissive against SB-through (8), which nobody calls.
    const o = exampleObject('four-leg-protected');
    for (const p of o.phases as Record<string, unknown>[])
      if (p.id === 7) Object.assign(p, { leftTurnMode: 'protected-permissive', opposingThroughPhase: 8 });
    const parsed = parseIntersectionConfig(o);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const clock = new SimulatedClock();
    const ctl = createIntersectionController(parsed.value, {
      clock,
      leftTurnPolicy: () => ({ 7: 'permissive' }),
    });
    const events: HiResEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    ctl.start();
    const step = (ms: number) => {
      for (let t = 0; t < ms; t += 100) clock.increment(100);
    };
    step(20_000);
    for (let k = 0; k < 2; k++) {
      ctl.detector('nb-adv', true); // NB through cycles (not 8): the permissive mode comes into force
      step(300);
      ctl.detector('nb-adv', false);
      step(40_000);
    }
    const before = events.length;
    ctl.detector('nb-left-stop', true); // the left waits; SB-through has no traffic
    step(60_000);
    expect(events.slice(before).some((e) => e.code === HiRes.BEGIN_GREEN && e.param === 7)).toBe(true);
  });
});
