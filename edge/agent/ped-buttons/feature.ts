/**
 * Pedestrian push-button counts: each configured crossing's button (a debounced GPIO input) drives
 * a pure counter (controllers/ped-buttons); at every period boundary, aligned to wall-clock
 * multiples of `periodS` like the 15-minute traffic counts, the feature publishes `pedPresses`
 * with the presses and calls of the period that ended, zeros included (an observed zero is data).
 */
import { createPedButtonCounter, type PedButtonCounter } from '../../../controllers/ped-buttons/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../../core/errors.ts';
import type { EdgeConfig } from '../../config/schema.ts';
import type { FeatureContext, FeatureInstance } from '../feature.ts';

type Crossing = EdgeConfig['pedButtons'][number];

/** Two crossings with one id would publish on one topic; two on one line would fight for it. */
export async function checkPedButtons(config: EdgeConfig): Promise<Result<void>> {
  const ids = new Set<string>();
  const lines = new Set<number>();
  for (const [i, c] of config.pedButtons.entries()) {
    if (ids.has(c.crossing))
      return err(
        new CityEdgeError('CONFIG_INVALID', `pedButtons.${i}.crossing: ${c.crossing} appears twice`),
      );
    if (lines.has(c.input))
      return err(new CityEdgeError('CONFIG_INVALID', `pedButtons.${i}.input: line ${c.input} is used twice`));
    ids.add(c.crossing);
    lines.add(c.input);
  }
  return ok();
}

export async function startPedButtons(ctx: FeatureContext): Promise<Result<FeatureInstance>> {
  const checked = await checkPedButtons(ctx.config);
  if (!checked.ok) return checked;
  const stops: (() => void)[] = [];
  const stopAll = () => {
    for (const stop of stops.splice(0)) stop();
  };
  for (const crossing of ctx.config.pedButtons) {
    const started = await startCrossing(ctx, crossing);
    if (!started.ok) {
      stopAll();
      return started;
    }
    stops.push(started.value);
  }
  return ok({ name: 'pedButtons', health: () => ({}), stop: async () => stopAll() });
}

async function startCrossing(ctx: FeatureContext, c: Crossing): Promise<Result<() => void>> {
  const input = await ctx.hardware.input(`ped.${c.crossing}`, c.input, { activeLow: c.activeLow });
  if (!input.ok) return input;
  const counter = createPedButtonCounter({ lockoutMs: c.lockoutMs }, { clock: ctx.clock });
  const unsubscribe = input.value.onEdge((edge) => {
    if (edge.value === 1) counter.press();
  });
  const periodic = startPeriods(ctx, c, counter);
  return ok(() => {
    unsubscribe();
    periodic.stop();
    counter.stop();
  });
}

function startPeriods(ctx: FeatureContext, c: Crossing, counter: PedButtonCounter): { stop(): void } {
  const periodMs = c.periodS * 1000;
  let timer: unknown = null;
  const schedule = () => {
    timer = ctx.clock.setTimeout(close, periodMs - (ctx.nowEpochMs() % periodMs));
  };
  const close = () => {
    // Round, not floor: a timer that fires a few ms early still closes the period it was set for.
    const end = Math.round(ctx.nowEpochMs() / periodMs) * periodMs;
    const counts = counter.closePeriod();
    ctx.publisher.publish(
      'pedPresses',
      { crossing: c.crossing },
      { periodStart: end - periodMs, periodS: c.periodS, ...counts },
      end,
    );
    schedule();
  };
  schedule();
  return {
    stop: () => {
      if (timer !== null) ctx.clock.clearTimeout(timer);
    },
  };
}
