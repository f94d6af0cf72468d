/**
 * The signals feature on a manual clock with simulated GPIO: 15-minute classified counts from the
 * count stations, and pedestrian heads reported as ped states while the lamps follow them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignals } from './feature.ts';
import { contractHead } from './map.ts';
import { type TestContext, testContext } from '../test-context.ts';

const root = resolve(import.meta.dirname, '../../..');
const EB_COUNT = 30;
const NB_COUNT = 31;
const NB_PED_BUTTON = 32;
/** NB-stem-ped load switch: DON'T WALK on the red lamp, WALK on the green lamp. */
const PED = { red: 33, green: 34 };

let dir: string;
let t: TestContext;
let stop: () => Promise<void>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cityedge-signals-'));
  t = await testContext(
    `
site: campus
device: gw-test
hardware: { profile: simulated, debounceMs: 0 }
mqtt: { url: "mqtt://127.0.0.1:1" }
queue: { path: ${join(dir, 'outbox.db')} }
signals:
  - config: ${root}/controllers/signals/examples/t-junction.yaml
    detectorInputs: { eb-count: ${EB_COUNT}, nb-count: ${NB_COUNT}, nb-ped: ${NB_PED_BUTTON} }
    headOutputs: { NB-stem-ped: { red: ${PED.red}, green: ${PED.green} } }
`,
    dir,
  );
  const started = await startSignals(t.ctx);
  if (!started.ok) throw started.error;
  stop = () => started.value.stop();
});

afterEach(async () => {
  await stop();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One vehicle over a count loop: on for `onMs`, then `gapMs` of clear loop. */
const pulse = (line: number, onMs: number, gapMs = 1_000) => {
  t.gpio.drive(line, 1);
  t.clock.advance(onMs);
  t.gpio.drive(line, 0);
  t.clock.advance(gapMs);
};

describe('15-minute counts', () => {
  it('publishes classified counts at the period boundary that sum to the detector pulses', () => {
    // The manual clock starts on a quarter hour (2026-01-01T00:00Z).
    const start = t.clock.nowEpochMs();
    // At 50 km/h over a 1.8 m loop: 0.4 s ≈ 3.8 m (car), 1.6 s ≈ 20 m (heavy), 0.25 s (motorcycle).
    for (let i = 0; i < 5; i++) pulse(EB_COUNT, 400);
    for (let i = 0; i < 2; i++) pulse(EB_COUNT, 1_600);
    pulse(NB_COUNT, 250);
    pulse(NB_COUNT, 400);
    expect(t.of('counts')).toEqual([]); // nothing before the boundary

    t.clock.advance(start + 900_000 - t.clock.nowEpochMs() - 401);
    expect(t.of('counts')).toEqual([]);
    pulse(NB_COUNT, 400, 0); // leaves the loop 1 ms before the boundary: still this period
    t.clock.advance(1);
    const [first] = t.of('counts');
    expect(first).toMatchObject({ periodStart: start, periodS: 900 });
    const rows = first!.counts;
    const sum = (detector: string) =>
      rows.filter((r) => r.detector === detector).reduce((s, r) => s + r.count, 0);
    expect(sum('eb-count')).toBe(7);
    expect(sum('nb-count')).toBe(3);
    expect(rows).toContainEqual({
      detector: 'eb-count',
      direction: 'EB',
      lane: 1,
      movement: 'through',
      vehicleClass: 'car',
      count: 5,
    });
    expect(rows).toContainEqual(
      expect.objectContaining({ detector: 'eb-count', vehicleClass: 'heavy', count: 2 }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ detector: 'nb-count', vehicleClass: 'motorcycle', count: 1 }),
    );

    // The next period starts from zero and is published even when nothing passed.
    pulse(EB_COUNT, 400);
    t.clock.advance(900_000);
    expect(t.of('counts')[1]).toMatchObject({ periodStart: start + 900_000, periodS: 900 });
    expect(t.of('counts')[1]!.counts.reduce((s, r) => s + r.count, 0)).toBe(1);
    t.clock.advance(900_000);
    expect(t.of('counts')[2]).toEqual({ periodStart: start + 1_800_000, periodS: 900, counts: [] });
  });
});

describe('pedestrian heads', () => {
  it('maps the controller ped states to the contract ped states, not to vehicle aspects', () => {
    expect(['walk', 'flashingDontWalk', 'dontWalk'].map((h) => contractHead(h as 'walk'))).toEqual([
      'walk',
      'flashingDontWalk',
      'dontWalk',
    ]);
    expect(contractHead('flashingRed')).toBe('flashingRed');
  });

  it('reports WALK on MQTT while the green (walk) lamp is lit and DON’T WALK on red', async () => {
    const seen = new Set<string>();
    const lampsOk: boolean[] = [];
    t.gpio.drive(NB_PED_BUTTON, 1);
    t.clock.advance(200);
    t.gpio.drive(NB_PED_BUTTON, 0);
    for (let s = 0; s < 240 && !seen.has('walk'); s++) {
      t.clock.advance(1_000);
      await new Promise((r) => setImmediate(r)); // lamp writes are async (off before on)
      const last = t.of('signalHeads').at(-1)?.groups['NB-stem-ped'];
      if (last) seen.add(last);
      if (last === 'walk') lampsOk.push(t.gpio.level(PED.green) === 1 && t.gpio.level(PED.red) === 0);
      if (last === 'dontWalk') lampsOk.push(t.gpio.level(PED.red) === 1 && t.gpio.level(PED.green) === 0);
    }
    expect(seen).toContain('walk');
    expect(seen).toContain('dontWalk');
    const reported = t.of('signalHeads').map((h) => h.groups['NB-stem-ped']);
    expect(reported).not.toContain('green');
    expect(reported).not.toContain('flashingRed');
    expect(lampsOk.length).toBeGreaterThan(0);
    expect(lampsOk.every(Boolean)).toBe(true);
  });
});
