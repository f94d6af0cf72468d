/**
 * Wall-clock cost of simulating one hour on each example layout (the goal: well under 1 s per hour).
 * Deterministic pseudo-random arrivals on every vehicle detector, driven by a SimulatedClock in 100 ms
 * and 1 s steps, as the microsimulator does.   npx tsx controllers/signals/bench/throughput.bench.ts
 */
import { readFileSync } from 'node:fs';
import { SimulatedClock } from 'xstate';
import { createIntersectionController, parseIntersectionConfig } from '../index.ts';

const LAYOUTS = ['four-leg-protected', 't-junction', 'four-leg-permissive-peds'];
const HOUR_MS = 3_600_000;

/** Park–Miller LCG: reproducible without a dependency. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function runHour(layout: string, stepMs: number, vehPerHourPerDetector: number) {
  const text = readFileSync(new URL(`../examples/${layout}.yaml`, import.meta.url), 'utf8');
  const cfg = parseIntersectionConfig(text);
  if (!cfg.ok) throw new Error(cfg.error.message);
  const clock = new SimulatedClock();
  const ctl = createIntersectionController(cfg.value, { clock });
  let events = 0;
  let cycles = 0;
  ctl.onEvent(() => events++);
  ctl.onCycle(() => cycles++);
  const rand = rng(42);
  const dets = cfg.value.detectors.filter((d) => d.calls.length > 0);
  const pOn = (vehPerHourPerDetector / 3600) * (stepMs / 1000);
  const releaseAt = new Map<string, number>();
  ctl.start();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let t = 0; t < HOUR_MS; t += stepMs) {
    clock.increment(stepMs);
    for (const d of dets) {
      const off = releaseAt.get(d.id);
      if (off !== undefined && clock.now() >= off) {
        ctl.detector(d.id, false);
        releaseAt.delete(d.id);
      } else if (off === undefined && rand() < pOn) {
        ctl.detector(d.id, true);
        releaseAt.set(d.id, clock.now() + (d.kind === 'pedButton' ? 200 : 400 + rand() * 800));
      }
    }
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  ctl.stop();
  return { wallMs, cpuMs, events, cycles, mode: ctl.mode() };
}

// 120 veh/h per detector is a typical hour; 300 veh/h a saturated peak (4,200 actuations/h at 4-leg).
for (const layout of LAYOUTS) {
  for (const [stepMs, rate] of [
    [100, 120],
    [1000, 120],
    [100, 300],
    [1000, 300],
  ] as const) {
    const r = runHour(layout, stepMs, rate);
    console.log(
      `${layout.padEnd(26)} ${rate} veh/h/det, step ${String(stepMs).padStart(4)} ms: 1 h in ${r.wallMs.toFixed(0).padStart(5)} ms wall, ${r.cpuMs.toFixed(0).padStart(5)} ms CPU ` +
        `(${r.events} hi-res events, ${r.cycles} cycles, mode ${r.mode})`,
    );
  }
}
