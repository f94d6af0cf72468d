/** Typed getters/setters per TraCI domain, built on the client's generic get/set. */
import type { Position, TraciReader, TraciTransport, TraciValue } from './types.ts';
import { TYPE, GET, SET, VAR } from './constants.ts';
import { TraciError } from './errors.ts';

function fail(what: string, v: TraciValue): never {
  throw new TraciError('TRACI_PROTOCOL', `${what}: unexpected value ${JSON.stringify(v)}`);
}
export function asNumber(v: TraciValue, what: string): number {
  return typeof v === 'number' ? v : fail(what, v);
}
export function asString(v: TraciValue, what: string): string {
  return typeof v === 'string' ? v : fail(what, v);
}
export function asStringList(v: TraciValue, what: string): string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? [...(v as string[])] : fail(what, v);
}
export function asPosition(v: TraciValue, what: string): Position {
  return typeof v === 'object' && v !== null && 'x' in v ? v : fail(what, v);
}

/** One controlled link of a traffic light: incoming lane, outgoing lane, internal (via) lane. */
export interface ControlledLink {
  readonly fromLane: string;
  readonly toLane: string;
  readonly viaLane: string;
}

/**
 * TL_CONTROLLED_LINKS layout [TraCI/Traffic Lights Value Retrieval]: compound, int count of
 * signals, then per link index an int count and that many string lists [from, to, via].
 */
export function readControlledLinks(r: TraciReader): ControlledLink[][] {
  r.expectType(TYPE.COMPOUND);
  r.int(); // item count of the compound, implied by the nested counts below
  const signals = r.typedInt();
  const out: ControlledLink[][] = [];
  for (let i = 0; i < signals; i++) {
    const n = r.typedInt();
    const links: ControlledLink[] = [];
    for (let j = 0; j < n; j++) {
      const [fromLane = '', toLane = '', viaLane = ''] = r.typedStringList();
      links.push({ fromLane, toLane, viaLane });
    }
    out.push(links);
  }
  return out;
}

export interface VehicleData {
  readonly vehicleId: string;
  readonly lengthM: number;
  readonly entryTimeS: number;
  /** -1 while the vehicle is still on the detector. */
  readonly leaveTimeS: number;
  readonly typeId: string;
}

/** LAST_STEP_VEHICLE_DATA: compound, typed int count, then 5 typed fields per vehicle. */
export function readVehicleData(r: TraciReader): VehicleData[] {
  r.expectType(TYPE.COMPOUND);
  r.int();
  const n = r.typedInt();
  const out: VehicleData[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      vehicleId: r.typedString(),
      lengthM: r.typedDouble(),
      entryTimeS: r.typedDouble(),
      leaveTimeS: r.typedDouble(),
      typeId: r.typedString(),
    });
  }
  return out;
}

export function createTrafficLightDomain(t: TraciTransport) {
  const get = (v: number, id: string) => t.get(GET.TL, v, id);
  return {
    getIdList: async () => asStringList(await get(VAR.ID_LIST, ''), 'tl ids'),
    getRedYellowGreenState: async (id: string) =>
      asString(await get(VAR.TL_RED_YELLOW_GREEN_STATE, id), 'tl state'),
    setRedYellowGreenState: (id: string, state: string) =>
      t.set(SET.TL, VAR.TL_RED_YELLOW_GREEN_STATE, id, (w) => w.typedString(state)),
    getControlledLinks: async (id: string) =>
      readControlledLinks(await t.getReader(GET.TL, VAR.TL_CONTROLLED_LINKS, id)),
    getControlledLanes: async (id: string) =>
      asStringList(await get(VAR.TL_CONTROLLED_LANES, id), 'tl lanes'),
    getProgram: async (id: string) => asString(await get(VAR.TL_CURRENT_PROGRAM, id), 'tl program'),
    setProgram: (id: string, programId: string) =>
      t.set(SET.TL, VAR.TL_PROGRAM, id, (w) => w.typedString(programId)),
    getPhase: async (id: string) => asNumber(await get(VAR.TL_CURRENT_PHASE, id), 'tl phase'),
    setPhase: (id: string, index: number) => t.set(SET.TL, VAR.TL_PHASE_INDEX, id, (w) => w.typedInt(index)),
  };
}

function detectorDomain(t: TraciTransport, cmd: number, name: string) {
  const num = async (v: number, id: string) => asNumber(await t.get(cmd, v, id), `${name} ${id}`);
  return {
    getIdList: async () => asStringList(await t.get(cmd, VAR.ID_LIST, ''), `${name} ids`),
    getLastStepVehicleNumber: (id: string) => num(VAR.LAST_STEP_VEHICLE_NUMBER, id),
    getLastStepOccupancy: (id: string) => num(VAR.LAST_STEP_OCCUPANCY, id),
    getLastStepMeanSpeed: (id: string) => num(VAR.LAST_STEP_MEAN_SPEED, id),
    getLastStepHaltingNumber: (id: string) => num(VAR.LAST_STEP_VEHICLE_HALTING_NUMBER, id),
    getLastStepVehicleIds: async (id: string) =>
      asStringList(await t.get(cmd, VAR.LAST_STEP_VEHICLE_ID_LIST, id), `${name} ${id}`),
  };
}

export function createDetectorDomains(t: TraciTransport) {
  return {
    inductionLoop: {
      ...detectorDomain(t, GET.INDUCTIONLOOP, 'induction loop'),
      getVehicleData: async (id: string) =>
        readVehicleData(await t.getReader(GET.INDUCTIONLOOP, VAR.LAST_STEP_VEHICLE_DATA, id)),
    },
    laneArea: {
      ...detectorDomain(t, GET.LANEAREA, 'lane area'),
      getJamLengthMeters: async (id: string) =>
        asNumber(await t.get(GET.LANEAREA, VAR.JAM_LENGTH_METERS, id), `lane area ${id}`),
    },
  };
}

export function createVehicleDomain(t: TraciTransport) {
  const get = (v: number, id: string) => t.get(GET.VEHICLE, v, id);
  const str = async (v: number, id: string) => asString(await get(v, id), `vehicle ${id}`);
  const num = async (v: number, id: string) => asNumber(await get(v, id), `vehicle ${id}`);
  return {
    getIdList: async () => asStringList(await get(VAR.ID_LIST, ''), 'vehicle ids'),
    getVehicleClass: (id: string) => str(VAR.VEHICLECLASS, id),
    getTypeId: (id: string) => str(VAR.TYPE, id),
    getRoadId: (id: string) => str(VAR.ROAD_ID, id),
    getLaneId: (id: string) => str(VAR.LANE_ID, id),
    getRouteId: (id: string) => str(VAR.ROUTE_ID, id),
    getRoute: async (id: string) => asStringList(await get(VAR.EDGES, id), `vehicle ${id}`),
    getRouteIndex: (id: string) => num(VAR.ROUTE_INDEX, id),
    getLanePosition: (id: string) => num(VAR.LANEPOSITION, id),
    getSpeed: (id: string) => num(VAR.SPEED, id),
    getPosition: async (id: string) => asPosition(await get(VAR.POSITION, id), `vehicle ${id}`),
    getTimeLoss: (id: string) => num(VAR.TIMELOSS, id),
  };
}

export function createLaneDomain(t: TraciTransport) {
  return {
    getLength: async (laneId: string) =>
      asNumber(await t.get(GET.LANE, VAR.LENGTH, laneId), `lane ${laneId}`),
  };
}

export function createSimulationDomain(t: TraciTransport) {
  const num = async (v: number) => asNumber(await t.get(GET.SIM, v, ''), 'simulation');
  const list = async (v: number) => asStringList(await t.get(GET.SIM, v, ''), 'simulation');
  return {
    getTime: () => num(VAR.TIME),
    getDepartedNumber: () => num(VAR.DEPARTED_VEHICLES_NUMBER),
    getDepartedIds: () => list(VAR.DEPARTED_VEHICLES_IDS),
    getArrivedNumber: () => num(VAR.ARRIVED_VEHICLES_NUMBER),
    getArrivedIds: () => list(VAR.ARRIVED_VEHICLES_IDS),
    getStartingTeleportNumber: () => num(VAR.TELEPORT_STARTING_VEHICLES_NUMBER),
    getMinExpectedNumber: () => num(VAR.MIN_EXPECTED_VEHICLES),
  };
}
