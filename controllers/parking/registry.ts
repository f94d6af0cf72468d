/** Registry lookups by normalised plate, with validity checked against an injected time. */
import type { Registry, VehicleCategory, VehicleRecord } from './config.ts';
import { normalisePlate } from '../../core/plate.ts';

export interface RegistryIndex {
  byPlate: ReadonlyMap<string, VehicleRecord>;
}

export function indexRegistry(registry: Registry): RegistryIndex {
  return { byPlate: new Map(registry.vehicles.map((v) => [normalisePlate(v.plate), v])) };
}

/** The index without `plate` (compared normalised), or null when no record has that plate. */
export function withoutPlate(index: RegistryIndex, plate: string): RegistryIndex | null {
  const key = normalisePlate(plate);
  if (!index.byPlate.has(key)) return null;
  const byPlate = new Map(index.byPlate);
  byPlate.delete(key);
  return { byPlate };
}

export type Lookup =
  | { found: false }
  | { found: true; record: VehicleRecord; valid: boolean; category: VehicleCategory };

export function lookupPlate(index: RegistryIndex, plate: string, nowMs: number): Lookup {
  const record = index.byPlate.get(normalisePlate(plate));
  if (!record) return { found: false };
  const valid =
    (record.validFrom === undefined || nowMs >= record.validFrom) &&
    (record.validUntil === undefined || nowMs <= record.validUntil);
  return { found: true, record, valid, category: record.category };
}

/** A valid disabled permit, as checked by the disabled-bay cameras. */
export function hasDisabledPermit(index: RegistryIndex, plate: string, nowMs: number): boolean {
  const l = lookupPlate(index, plate, nowMs);
  return l.found && l.valid && l.category === 'disabled';
}
