/** Test fixtures shared by the parking tests: the example lot, a simulated clock, a lane driver. */
import { readFileSync } from 'node:fs';
import { SimulatedClock } from 'xstate';
import { type LotConfig, type Registry, parseLotYaml, parseRegistryYaml } from './config.ts';
import type { PlateRead } from './decision.ts';
import { type ParkingController, createParkingController } from './index.ts';
import type { ParkingEvent, ParkingOutput } from './types.ts';

const here = new URL('./examples/', import.meta.url);

let lotCache: LotConfig | undefined;
let registryCache: Registry | undefined;

/** A fresh copy of the example lot (parsed once per file), optionally patched. */
export function exampleLot(patch: (lot: LotConfig) => void = () => {}): LotConfig {
  if (!lotCache) {
    const r = parseLotYaml(readFileSync(new URL('campus-lot.yaml', here), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    lotCache = r.value;
  }
  const lot = structuredClone(lotCache);
  patch(lot);
  return lot;
}

export function exampleRegistry(): Registry {
  if (!registryCache) {
    const r = parseRegistryYaml(readFileSync(new URL('registry.yaml', here), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    registryCache = r.value;
  }
  return structuredClone(registryCache);
}

/** 2026-11-23 (a Monday) 10:00 in Asunción (UTC−3). */
export const MONDAY_10H = Date.parse('2026-11-23T13:00:00Z');

export interface Rig {
  ctl: ParkingController;
  clock: SimulatedClock;
  outputs: ParkingOutput[];
  events: ParkingEvent[];
  /** Drive a whole authorised passage: arming, plate, limit, safety on/off, closed limit. */
  pass(laneId: string, read: PlateRead | null, opts?: { stayOnArming?: boolean }): void;
  ofType<T extends ParkingEvent['type']>(t: T): Extract<ParkingEvent, { type: T }>[];
}

export function rig(lot = exampleLot(), registry = exampleRegistry(), start = MONDAY_10H): Rig {
  const clock = new SimulatedClock();
  clock.set(start);
  const ctl = createParkingController(lot, registry, { clock });
  const outputs: ParkingOutput[] = [];
  const events: ParkingEvent[] = [];
  ctl.onOutput((o) => outputs.push(o));
  ctl.onEvent((e) => events.push(e));
  ctl.start();
  const gate = (laneId: string) => ctl.snapshot().gates.find((g) => g.laneId === laneId)?.state;
  return {
    ctl,
    clock,
    outputs,
    events,
    ofType: <T extends ParkingEvent['type']>(t: T) =>
      events.filter((e): e is Extract<ParkingEvent, { type: T }> => e.type === t),
    pass(laneId, read) {
      ctl.loop(laneId, 'arming', true);
      clock.increment(200);
      if (read) ctl.plateRead(laneId, read);
      if (gate(laneId) !== 'opening') return;
      clock.increment(1500);
      ctl.limit(laneId, 'closed', false);
      ctl.limit(laneId, 'open', true);
      ctl.loop(laneId, 'arming', false);
      ctl.loop(laneId, 'safety', true);
      clock.increment(1000);
      ctl.loop(laneId, 'safety', false);
      ctl.limit(laneId, 'open', false);
      clock.increment(1500);
      ctl.limit(laneId, 'closed', true);
    },
  };
}

export const read = (plate: string | null, confidence = 0.95, frameRef = 'frame-1'): PlateRead => ({
  plate,
  confidence,
  frameRef,
});
