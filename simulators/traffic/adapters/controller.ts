import type { IntersectionController } from '../../../controllers/signals/types.ts';
import type { SignalPlant } from '../types.ts';

export interface ControllerPlant extends SignalPlant {
  /** Inputs the controller rejected, by error code (should stay empty in a healthy run). */
  rejected(): Record<string, number>;
}

/** The real intersection controller behind the simulator's port. */
export function controllerPlant(ctrl: IntersectionController): ControllerPlant {
  const rejected: Record<string, number> = {};
  const note = (r: { ok: boolean; error?: { code: string } }) => {
    if (!r.ok && r.error) rejected[r.error.code] = (rejected[r.error.code] ?? 0) + 1;
  };
  return {
    start: () => ctrl.start(),
    stop: () => ctrl.stop(),
    detector: (id, on) => note(ctrl.detector(id, on)),
    requestPriority: (req) =>
      note(ctrl.requestPriority({ vehicleId: req.vehicleId, approach: req.approach, etaMs: req.etaMs })),
    checkOut: (vehicleId) => note(ctrl.checkOut(vehicleId)),
    heads: () => ctrl.heads(),
    rejected: () => ({ ...rejected }),
  };
}
