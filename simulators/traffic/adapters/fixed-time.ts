import { createFixedTimeController } from '../../../controllers/signals/timing/fixed-time.ts';
import type { Clock } from '../../../core/ports/clock.ts';
import type { TimingLayout, TimingPlan } from '../../../controllers/signals/timing/types.ts';
import type { SignalPlant } from '../types.ts';

/** The pretimed reference as a plant: it ignores detectors and priority requests by design. */
export function fixedTimePlant(
  layout: TimingLayout,
  plan: TimingPlan,
  clock: Pick<Clock, 'now'>,
): SignalPlant {
  const ctrl = createFixedTimeController(layout, plan, { clock });
  return {
    start: () => ctrl.start(),
    stop: () => ctrl.stop(),
    detector: () => {},
    requestPriority: () => {},
    checkOut: () => {},
    heads: () => ctrl.heads(),
  };
}
