/**
 * Creating the signal controllers the bridge drives, each on the bridge's simulated clock.
 * Injected as a factory so tests can swap in a scripted controller.
 */
import { SimulatedClock } from 'xstate';
import { createIntersectionController } from '../../controllers/signals/index.ts';
import { createSaturationControl } from '../../controllers/signals/timing/saturation.ts';
import type { IntersectionConfig, IntersectionController } from '../../controllers/signals/index.ts';
import type { Clock } from '../../core/ports/clock.ts';

export type ControllerFactory = (
  config: IntersectionConfig,
  deps: { clock: Clock },
) => IntersectionController;

/** The real CityEdge controller. */
export const cityEdgeController: ControllerFactory = (config, { clock }) =>
  createIntersectionController(config, { clock });

/** A fresh simulated clock at t = 0 (XState's SimulatedClock: `now()` and `increment(ms)`). */
export function createSimulatedClock(): SimulatedClock {
  return new SimulatedClock();
}

/**
 * The controller with the saturation layer (`controllers/signals/timing/saturation.ts`): detector
 * edges feed its flow estimates, each cycle's measures may switch to Webster splits or back.
 */
export const cityEdgeSaturationController: ControllerFactory = (config, { clock }) => {
  const ctl = createIntersectionController(config, { clock });
  const sat = createSaturationControl(config);
  ctl.onCycle((m) => {
    const step = sat.cycle(m);
    // A plan outside the configured bounds is refused by the controller and counted there.
    if (step.plan) ctl.applyTiming(step.plan);
  });
  // Every call goes to the one controller instance (bound), only detector() is tapped first.
  return {
    config: ctl.config,
    start: () => ctl.start(),
    stop: () => ctl.stop(),
    detector(id, on) {
      sat.edge(id, on, clock.now());
      return ctl.detector(id, on);
    },
    requestPriority: (r) => ctl.requestPriority(r),
    cancelPriority: (v) => ctl.cancelPriority(v),
    checkOut: (v) => ctl.checkOut(v),
    command: (c) => ctl.command(c),
    applyTiming: (p) => ctl.applyTiming(p),
    heads: () => ctl.heads(),
    spat: () => ctl.spat(),
    mode: () => ctl.mode(),
    errorCounts: () => ctl.errorCounts(),
    onEvent: (l) => ctl.onEvent(l),
    onCycle: (l) => ctl.onCycle(l),
    onAlarm: (l) => ctl.onAlarm(l),
    onCount: (l) => ctl.onCount(l),
  };
};
