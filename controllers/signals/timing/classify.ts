/**
 * Length-based vehicle classification from loop detectors.
 *
 * Bins follow the four-bin length scheme recommended to FHWA (Hallenbeck et al., TRR 2339, 2013;
 * FHWA Traffic Monitoring Guide 2016 §4): motorcycles ≤ 7 ft (2.13 m), short 7–21.5 ft
 * (6.55 m) ≈ FHWA classes 2–3, medium/long > 21.5 ft ≈ FHWA classes 4–13. We split the short bin
 * at 5.2 m (≈ 17 ft, our choice: sedans/SUVs ≤ 5.1 m vs. full-size vans and pickups) to
 * separate cars from vans/light trucks, which the TMG bins do not do.
 */

export type VehicleClass = 'motorcycle' | 'car' | 'van' | 'heavy';

export const VEHICLE_CLASSES: readonly VehicleClass[] = ['motorcycle', 'car', 'van', 'heavy'];

/** Upper length bound (m, exclusive) of each bin, in order. */
export const LENGTH_BINS_M: readonly { cls: VehicleClass; maxM: number }[] = [
  { cls: 'motorcycle', maxM: 2.13 }, // TMG bin 1: ≤ 7 ft
  { cls: 'car', maxM: 5.2 }, // our split inside TMG "short"
  { cls: 'van', maxM: 6.55 }, // TMG "short" upper bound 21.5 ft
  { cls: 'heavy', maxM: Number.POSITIVE_INFINITY }, // TMG medium + long (buses, trucks)
];

/** Electrical vehicle length from one loop: L = v · occupancy − loop length. */
export function lengthFromOccupancy(speedMps: number, occupancyS: number, loopLengthM: number): number {
  return speedMps * occupancyS - loopLengthM;
}

export function classifyLength(lengthM: number): VehicleClass {
  for (const bin of LENGTH_BINS_M) if (lengthM < bin.maxM) return bin.cls;
  return 'heavy';
}

export interface ClassifiedVehicle {
  tMs: number;
  speedMps: number;
  lengthM: number;
  cls: VehicleClass;
}

export interface SpeedTrapConfig {
  /** Upstream loop id (vehicle reaches it first). */
  upstreamId: string;
  downstreamId: string;
  /** Leading-edge to leading-edge spacing (m). */
  spacingM: number;
  loopLengthM: number;
}

/**
 * Dual-loop speed trap: speed from the time between the two loops' rising edges, occupancy from
 * the upstream loop. The downstream rising edge may come before or after the upstream falling
 * edge (long vehicles cover both loops), so a record is emitted once all three edges are known.
 */
export function createSpeedTrap(cfg: SpeedTrapConfig) {
  let upOn: number | undefined;
  let upOff: number | undefined;
  let downOn: number | undefined;
  const complete = (): ClassifiedVehicle | undefined => {
    if (upOn === undefined || upOff === undefined || downOn === undefined) return undefined;
    const dt = (downOn - upOn) / 1000;
    const occ = (upOff - upOn) / 1000;
    const tMs = Math.max(upOff, downOn);
    upOn = upOff = downOn = undefined;
    if (!(dt > 0)) return undefined;
    const speedMps = cfg.spacingM / dt;
    const lengthM = lengthFromOccupancy(speedMps, occ, cfg.loopLengthM);
    return { tMs, speedMps, lengthM, cls: classifyLength(lengthM) };
  };
  return {
    edge(detectorId: string, on: boolean, tMs: number): ClassifiedVehicle | undefined {
      if (detectorId === cfg.upstreamId) {
        if (on) {
          upOn = tMs;
          upOff = downOn = undefined;
        } else if (upOn !== undefined) upOff = tMs;
      } else if (detectorId === cfg.downstreamId && on && upOn !== undefined) downOn = tMs;
      return complete();
    },
  };
}
