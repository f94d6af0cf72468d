/**
 * Public API of the CityEdge signal controller. Everything others need is exported from here; the
 * shapes are documented in docs/signals.md.
 *
 * ```ts
 * const cfg = await loadIntersectionConfig('controllers/signals/examples/four-leg-protected.yaml');
 * if (!cfg.ok) throw new Error(cfg.error.message);
 * const clock = new SimulatedClock();
 * const ctl = createIntersectionController(cfg.value, { clock });
 * ctl.start(); clock.increment(10_000); ctl.detector('nb-stop', true);
 * ```
 */
export {
  type DetectorPlan,
  type IntersectionConfig,
  type IntersectionConfigInput,
  isCompatible,
  iteYellowS,
  loadIntersectionConfig,
  type PhasePlan,
  type PreemptPlan,
  parseIntersectionConfig,
  phaseOf,
  type SignalGroup,
} from './config.ts';
export { type TimingBounds, timingBounds, validateTimingPlan } from './apply-timing.ts';
export { type ControllerOptions, createIntersectionController, IDLE_CYCLE_MS } from './controller.ts';
export type { FieldIssue, Result, SignalError, SignalErrorCode } from './errors.ts';
export { HiRes, toAtspmCsv, toDecisecond } from './outputs/hires.ts';
export {
  type ActivationPlan,
  type PriorityRoute,
  planActivation,
  preemptFloorMs,
  type RouteRequest,
  routeToRequests,
  worstCaseEntryMs,
} from './priority/plan.ts';
export { initialMonitor, monitorRules, observeHeads } from './safety/monitor.ts';
export { createSequencerMachine, sequencerSetup } from './sequencer/machine.ts';
export type {
  ControllerMode,
  CountEvent,
  CycleMeasures,
  DetectorCycleMeasures,
  HeadState,
  HiResEvent,
  IntersectionController,
  OperatorCommand,
  PedInterval,
  PhaseCycleMeasures,
  PhaseInterval,
  PriorityRequest,
  RingSpat,
  SafetyAlarm,
  SafetyAlarmKind,
  SpatState,
  TimingPlan,
} from './types.ts';
