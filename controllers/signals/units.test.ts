/** Unit tests of the small pure parts: EV activation plan, catch-up clock, measures, detector health, CLI. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { checkFile } from './cli.ts';
import { CatchUpClock } from './clock.ts';
import { HiRes } from './outputs/hires.ts';
import { CycleMeter } from './outputs/measures.ts';
import { planActivation, preemptFloorMs, worstCaseEntryMs } from './priority/plan.ts';
import { evaluate, initialHealth, recordTransition } from './safety/detectors.ts';
import { example } from './test-helpers.ts';

const cfg = example('four-leg-protected');

describe('EV activation plan', () => {
  const fullLead = worstCaseEntryMs(cfg, 10_000); // 2 × (4.0 + 2.0) + 10 s min green
  it('activates as late as full minimum greens allow when the ETA is far', () => {
    expect(fullLead).toBe(22_000);
    expect(planActivation(cfg, 1000, 101_000, false)).toEqual({
      activateAtMs: 101_000 - fullLead,
      urgent: false,
      strategy: 'bringForward',
    });
  });
  it('activates now and allows the preempt minimum when the ETA is close', () => {
    expect(planActivation(cfg, 1000, 11_000, false)).toEqual({
      activateAtMs: 1000,
      urgent: true,
      strategy: 'preempt',
    });
    expect(planActivation(cfg, 1000, 11_000, true).strategy).toBe('extend');
    expect(preemptFloorMs(cfg)).toBe(4000);
  });
});

describe('CatchUpClock', () => {
  it('fires timers at their due times, in order, inside one outer step', () => {
    const outer = new SimulatedClock();
    const clock = new CatchUpClock(outer);
    const fired: [string, number][] = [];
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    }, 250);
    clock.setTimeout(() => fired.push(['b', clock.now()]), 700);
    const cancelled = clock.setTimeout(() => fired.push(['x', clock.now()]), 500);
    clock.clearTimeout(cancelled);
    outer.increment(1000);
    expect(fired).toEqual([
      ['a', 250],
      ['c', 550],
      ['b', 700],
    ]);
    expect(clock.now()).toBe(1000);
  });
});

describe('cycle measures from hi-res events', () => {
  it('counts arrivals on green/red and flags a split failure (GOR and ROR5 > 0.79)', () => {
    const meter = new CycleMeter(cfg, () => 25_000, 0);
    const ev = (t: number, code: number, param: number) =>
      meter.event({ signalId: 1, timestampMs: t, code, param });
    ev(0, HiRes.BEGIN_GREEN, 4);
    ev(0, HiRes.DETECTOR_ON, 14); // nb-stop occupied all green
    ev(1000, HiRes.DETECTOR_ON, 4); // nb-adv arrival on green
    ev(1500, HiRes.DETECTOR_OFF, 4);
    ev(10_000, HiRes.MAX_OUT, 4);
    ev(10_000, HiRes.BEGIN_YELLOW, 4);
    ev(13_500, HiRes.END_YELLOW, 4);
    ev(16_000, HiRes.DETECTOR_ON, 4); // arrival on red
    ev(16_000, HiRes.DETECTOR_ON, 23); // count station on red: a red-light running actuation
    const m = meter.close(30_000);
    const p4 = m.phases[4]!;
    expect(p4.greenMs).toBe(10_000);
    expect([p4.arrivalsOnGreen, p4.arrivalsOnRed, p4.redLightViolations]).toEqual([1, 2, 1]);
    expect(p4.splitFailure).toBe(true);
    expect(p4.greenUtilisation).toBe(0.4);
    expect(m.maxOutRate).toBe(1);
    expect(m.detectors['nb-count']).toEqual({ count: 1, occupancy: 0.467, lane: 2, direction: 'NB' });
  });
});

describe('detector health', () => {
  const d = cfg.detectors.find((x) => x.id === 'nb-stop')!;
  it('flags stuck-on, chatter and silence at the configured thresholds', () => {
    let h = recordTransition(initialHealth(0), true, 0);
    expect(evaluate(d, h, d.stuckOnMs, 150)).toBeNull();
    expect(evaluate(d, h, d.stuckOnMs + 1, 150)).toBe('stuckOn');
    h = initialHealth(0);
    for (let i = 0; i < 40; i++) h = recordTransition(h, i % 2 === 0, i * 100);
    expect(evaluate(d, h, 4000, 30)).toBe('chatter');
    expect(evaluate(d, initialHealth(0), d.silentMs + 1, 150)).toBe('silent');
  });
});

describe('signals check CLI', () => {
  it('prints the plan for a good file and exits 1 naming the field for a bad one', async () => {
    const good = await checkFile(new URL('./examples/t-junction.yaml', import.meta.url).pathname, false);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('River Rd & Mill Ln');
    const dir = mkdtempSync(join(tmpdir(), 'signals-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: x\nphases: []\nrings: []\nbarriers: []\ncompatible: []\n');
    const r = await checkFile(bad, false);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('phases: Too small');
    const j = await checkFile(join(dir, 'missing.yaml'), true);
    expect(j.exitCode).toBe(1);
    expect(JSON.parse(j.stderr).error.code).toBe('CONFIG_IO');
  });
});
