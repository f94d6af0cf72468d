/** The same demand and seed on the in-process controller: the baseline a HIL run is judged against. */
import { createIntersectionController, type IntersectionConfig } from '../../controllers/signals/index.ts';
import type { Result } from '../../core/ports/result.ts';
import { controllerPlant } from '../traffic/adapters/controller.ts';
import { type Geometry, layoutFromConfig } from '../traffic/layout.ts';
import { type RunResult, runSimulation } from '../traffic/run.ts';
import type { DemandSpec, EmergencySpec, SimError } from '../traffic/types.ts';

export interface ReferenceOptions {
  demand: DemandSpec;
  durationS: number;
  seed: number;
  emergencies?: EmergencySpec[];
  warmupS?: number;
  maxDrainS?: number;
  geometry?: Geometry;
}

export function runInProcessReference(
  cfg: IntersectionConfig,
  o: ReferenceOptions,
): Result<RunResult, SimError> {
  return runSimulation(
    {
      layout: layoutFromConfig(cfg, o.geometry),
      demand: o.demand,
      seed: o.seed,
      durationS: o.durationS,
      ...(o.emergencies ? { emergencies: o.emergencies } : {}),
      ...(o.warmupS === undefined ? {} : { warmupS: o.warmupS }),
    },
    (clock) => controllerPlant(createIntersectionController(cfg, { clock })),
    o.maxDrainS,
  );
}
