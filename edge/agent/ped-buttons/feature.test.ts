/**
 * The ped-buttons feature through the feature table, on a manual clock with simulated GPIO: presses
 * on the button's line come out as one `pedPresses` message per crossing and period.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scopedContext } from '../feature.ts';
import { FEATURES } from '../features.ts';
import { type TestContext, testContext } from '../test-context.ts';

const MAIN_ST = 40;
const SCHOOL = 41;
const feature = FEATURES.find((f) => f.name === 'pedButtons')!;

let dir: string;
let t: TestContext;
let stop: () => Promise<void> = async () => {};

const start = async (pedButtons: string) => {
  dir = mkdtempSync(join(tmpdir(), 'cityedge-ped-'));
  t = await testContext(
    `
site: campus
device: gw-test
hardware: { profile: simulated, debounceMs: 20 }
mqtt: { url: "mqtt://127.0.0.1:1" }
queue: { path: ${join(dir, 'outbox.db')} }
pedButtons: ${pedButtons}
`,
    dir,
  );
  const started = await feature.start(scopedContext(t.ctx, feature));
  if (started.ok) stop = () => started.value.stop();
  return started;
};

afterEach(async () => {
  await stop();
  stop = async () => {};
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A press as a hand makes it: 200 ms down (well past the 20 ms debounce), then released. */
const press = (line: number, gapMs = 800) => {
  t.gpio.drive(line, 1);
  t.clock.advance(200);
  t.gpio.drive(line, 0);
  t.clock.advance(gapMs);
};

describe('ped-buttons feature', () => {
  it('publishes presses and calls per crossing at each period boundary, zeros included', async () => {
    const started = await start(
      `[{ crossing: main-st, input: ${MAIN_ST}, lockoutMs: 5000 }, { crossing: school, input: ${SCHOOL}, periodS: 60 }]`,
    );
    expect(started.ok).toBe(true);
    const t0 = t.clock.nowEpochMs(); // the manual clock starts on a quarter hour
    press(MAIN_ST); // call
    press(MAIN_ST); // 1 s later: repeat
    press(MAIN_ST); // 2 s: repeat
    t.clock.advance(5_000);
    press(MAIN_ST); // after the lockout: a second call
    // A bounce shorter than the debounce is no press.
    t.gpio.drive(MAIN_ST, 1);
    t.clock.advance(5);
    t.gpio.drive(MAIN_ST, 0);
    press(SCHOOL);
    expect(t.of('pedPresses')).toEqual([]);

    t.clock.advance(t0 + 900_000 - t.clock.nowEpochMs());
    const main = t.published.filter((p) => p.kind === 'pedPresses' && p.params.crossing === 'main-st');
    expect(main.map((p) => p.data)).toEqual([{ periodStart: t0, periodS: 900, presses: 4, calls: 2 }]);
    expect(main[0]!.retain).toBe(false);
    const school = t.published.filter((p) => p.params.crossing === 'school').map((p) => p.data);
    expect(school).toHaveLength(15); // one per minute, zeros included
    expect(school[0]).toEqual({ periodStart: t0, periodS: 60, presses: 1, calls: 1 });
    expect(school.slice(1).every((d) => (d as { presses: number }).presses === 0)).toBe(true);
    expect(t.counted.CONTRACT_UNDECLARED_TOPIC).toBeUndefined();
  });

  it('refuses two crossings on one line or with one id, and a line another binding holds', async () => {
    const twice = await start(`[{ crossing: a, input: ${MAIN_ST} }, { crossing: b, input: ${MAIN_ST} }]`);
    expect(!twice.ok && twice.error.message).toMatch(/pedButtons\.1\.input: line 40 is used twice/);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    const sameId = await start(`[{ crossing: a, input: ${MAIN_ST} }, { crossing: a, input: ${SCHOOL} }]`);
    expect(!sameId.ok && sameId.error.message).toMatch(/pedButtons\.1\.crossing: a appears twice/);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    const outOfRange = await start(`[{ crossing: a, input: 999 }]`);
    expect(!outOfRange.ok && outOfRange.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
  });

  it('counts presses of a button wired active-low (the line idles high)', async () => {
    await start(`[{ crossing: main-st, input: ${MAIN_ST}, activeLow: true, periodS: 60 }]`);
    const t0 = t.clock.nowEpochMs();
    t.gpio.drive(MAIN_ST, 1); // pull-up: released
    t.clock.advance(1_000);
    for (let i = 0; i < 3; i++) {
      t.gpio.drive(MAIN_ST, 0); // pressed
      t.clock.advance(200);
      t.gpio.drive(MAIN_ST, 1);
      t.clock.advance(3_000);
    }
    t.clock.advance(t0 + 60_000 - t.clock.nowEpochMs());
    expect(t.of('pedPresses')).toEqual([{ periodStart: t0, periodS: 60, presses: 3, calls: 3 }]);
  });

  it('stops cleanly: no period timer or lockout left behind', async () => {
    await start(`[{ crossing: main-st, input: ${MAIN_ST} }]`);
    press(MAIN_ST);
    await stop();
    stop = async () => {};
    expect(t.clock.pendingTimers()).toBe(0);
  });
});
