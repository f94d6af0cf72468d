/** Public API of the built-in traffic microsimulator. See docs/traffic-sim.md. */
export { type ControllerPlant, controllerPlant } from './adapters/controller.ts';
export { fixedTimePlant } from './adapters/fixed-time.ts';
export { type Geometry, layoutFromConfig } from './layout.ts';
export { createMicrosim, type Microsim, type MicrosimOptions } from './microsim.ts';
export { percentile, type SimRecords } from './records.ts';
export { flowRatiosFromDemand, meanPce, type RunResult, runSimulation } from './run.ts';
export { evScenario, OFF_PEAK, PEAK, type Scenario, UNBALANCED } from './scenarios.ts';
export type {
  Crosswalk,
  DemandSpec,
  EmergencySpec,
  LaneGroup,
  PriorityRequest,
  SignalPlant,
  SimDetector,
  SimError,
  SimLayout,
  Turn,
} from './types.ts';
export { DEFAULT_CLASSES, generateArrivals } from './vehicles.ts';
