/** Simulated vehicles and the ground truth the simulator keeps to check the system under test. */
import type { VehicleCategory } from '../../core/contract/payloads.ts';

/** A registry category, or a car the registry does not know. */
export type CarCategory = VehicleCategory | 'public';

export interface SimCar {
  id: number;
  /** Normalised plate (what is printed on the car). */
  plate: string;
  category: CarCategory;
  /** Parks in a disabled bay without a permit. */
  misusesDisabledBay: boolean;
  stayMs: number;
  /** A car that follows this one through the same opening (tailgating). */
  follower?: SimCar;
  bayId?: string;
  enteredAt?: number;
  exitedAt?: number;
}

/** What a camera can be asked to show: the car on the arming loop, or an empty lane. */
export interface CameraPort {
  show(car: SimCar | null): Promise<void>;
}

export interface Truth {
  arrivals: number;
  entered: number;
  exited: number;
  refused: number;
  tailgaters: number;
  disabledMisuse: number;
  /** Cars inside the lot now (passed entry, not yet exit). */
  inside: number;
  /** Cars parked in a bay now. */
  parked: number;
  /** Cars that found no bay and drove straight to the exit. */
  noBay: number;
  /** Cars that gave up at an exit that did not open (they retry). */
  exitRetries: number;
}

export function emptyTruth(): Truth {
  return {
    arrivals: 0,
    entered: 0,
    exited: 0,
    refused: 0,
    tailgaters: 0,
    disabledMisuse: 0,
    inside: 0,
    parked: 0,
    noBay: 0,
    exitRetries: 0,
  };
}
