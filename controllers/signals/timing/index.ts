/** Signal timing: Webster plans, pretimed controller, classification, counts and retiming. */
export {
  type AdaptiveOptions,
  createAdaptiveTiming,
  type PhaseServed,
  type RetimeDecision,
} from './adaptive.ts';
export {
  type ClassifiedVehicle,
  classifyLength,
  createSpeedTrap,
  LENGTH_BINS_M,
  lengthFromOccupancy,
  type VehicleClass,
} from './classify.ts';
export { createCounter, flowRatesPcePerHour, PCE } from './counts.ts';
export { createFixedTimeController, type FixedTimeController, headsAt } from './fixed-time.ts';
export { timingLayoutFromConfig, toControllerPlan } from './from-config.ts';
export { type MovementService, phaseFlowRatios, retimePlan } from './retime.ts';
export type { PhaseTiming, RingBarrier, TimingLayout, TimingPlan } from './types.ts';
export { websterCycleS, websterPlan, type WebsterOptions, type WebsterResult } from './webster.ts';
