/**
 * The microsimulator's ports and domain types. A controller is driven only through
 * `SignalPlant` plus the shared simulated clock, so the fixed-time reference and the real
 * responsive controller are exercised identically.
 */
import type { VehicleClass } from '../../controllers/signals/timing/classify.ts';

export type { VehicleClass };
export type Turn = 'left' | 'through' | 'right';
export type HeadName = string;

/** Priority request as the simulator issues it (a superset; adapters pick what they need). */
export interface PriorityRequest {
  vehicleId: string;
  approach: string;
  /** Phase serving the EV's movement, when known from the config. */
  phase?: number;
  /** Expected stop-line arrival, absolute clock ms (same convention as the controller). */
  etaMs: number;
}

/** What a controller under test must offer the simulator. */
export interface SignalPlant {
  start(): void;
  stop(): void;
  detector(id: string, on: boolean): void;
  requestPriority(req: PriorityRequest): void;
  /** EV has crossed the stop line. */
  checkOut(vehicleId: string): void;
  /** Head display per signal group; unknown or missing groups count as red. */
  heads(): Readonly<Record<HeadName, string>>;
}

export type DetectorRole = 'stopBar' | 'advance' | 'count';

export interface SimDetector {
  id: string;
  role: DetectorRole;
  lengthM: number;
  /** Distance from the stop line to the detector's downstream edge (m). */
  distanceM: number;
}

export interface SimLane {
  detectors: SimDetector[];
}

/** Lanes that discharge together under one signal group (HCM "lane group"). */
export interface LaneGroup {
  id: string;
  approach: string;
  phase?: number;
  signalGroup: HeadName;
  turns: Turn[];
  lanes: SimLane[];
  /** Base saturation flow per lane for through cars (veh/h/ln). */
  satFlowVphpl: number;
  /** Lane groups whose flow a permissive left must gap (opposing through + right). */
  opposing: string[];
  speedMps: number;
  /** Entry point to stop line (m); free-flow travel time = approachLengthM / speed. */
  approachLengthM: number;
}

export interface Crosswalk {
  id: string;
  phase?: number;
  signalGroup: HeadName;
  buttonIds: string[];
}

export interface SimLayout {
  laneGroups: LaneGroup[];
  crosswalks: Crosswalk[];
}

/** Demand: veh/h per `${approach}.${turn}`, peds/h per crosswalk id. */
export interface DemandSpec {
  vehPerHour: Record<string, number>;
  pedsPerHour?: Record<string, number>;
  classMix?: Partial<Record<VehicleClass, number>>;
  /** Share of vehicles reaching the stop line at yellow end / early red that run it. */
  redRunShare?: number;
}

export interface EmergencySpec {
  vehicleId: string;
  /** `${approach}.${turn}` */
  movement: string;
  appearAtS: number;
  /** Distance to the stop line when it first requests priority (m). */
  distanceM: number;
  speedMps: number;
  /** ETA refresh period (s) while approaching. */
  updateEveryS?: number;
  /**
   * Queued traffic makes way (pulls over / rescue lane, as drivers must for an EV with lights and
   * siren), so the EV waits only for the signal. False: it waits behind the queue in its lane.
   * Default true.
   */
  queueYields?: boolean;
}

export interface SimError {
  code: 'SIM_UNKNOWN_MOVEMENT' | 'SIM_BAD_DEMAND' | 'SIM_BAD_CONFIG';
  message: string;
}
