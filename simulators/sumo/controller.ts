/**
 * Creating the signal controllers the bridge drives, each on the bridge's simulated clock.
 * Injected as a factory so tests can swap in a scripted controller.
 */
import { SimulatedClock } from 'xstate';
import { createIntersectionController } from '../../controllers/signals/index.ts';
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
