import type { LaneGroup, PriorityRequest, SignalPlant, SimDetector, SimLayout } from './types.ts';

/** A plant whose heads follow a script of simulated time; records every input it receives. */
export function scriptedPlant(headsAt: (tMs: number) => Record<string, string>, now: () => number) {
  const edges: { id: string; on: boolean; tMs: number }[] = [];
  const priority: PriorityRequest[] = [];
  const checkOuts: { vehicleId: string; tMs: number }[] = [];
  const plant: SignalPlant = {
    start: () => {},
    stop: () => {},
    detector: (id, on) => {
      edges.push({ id, on, tMs: now() });
    },
    requestPriority: (req) => {
      priority.push(req);
    },
    checkOut: (vehicleId) => {
      checkOuts.push({ vehicleId, tMs: now() });
    },
    heads: () => headsAt(now()),
  };
  return { plant, edges, priority, checkOuts };
}

/** Fixed cycle of one head: green, yellow, red (seconds). */
export const cycleHead =
  (greenS: number, yellowS: number, redS: number, offsetS = 0) =>
  (tMs: number): string => {
    const c = greenS + yellowS + redS;
    const t = (((tMs / 1000 - offsetS) % c) + c) % c;
    return t < greenS ? 'green' : t < greenS + yellowS ? 'yellow' : 'red';
  };

export function laneGroup(
  over: Partial<LaneGroup> & Pick<LaneGroup, 'id' | 'approach' | 'signalGroup'>,
): LaneGroup {
  return {
    turns: ['through'],
    lanes: [{ detectors: [] }],
    satFlowVphpl: 1900,
    opposing: [],
    speedMps: 50 / 3.6,
    approachLengthM: 200,
    ...over,
  };
}

export const loop = (
  id: string,
  role: SimDetector['role'],
  distanceM: number,
  lengthM = 1.8,
): SimDetector => ({
  id,
  role,
  distanceM,
  lengthM,
});

/** Two-approach test layout: EB through (+right) on head A, WB through on head B, EB left FYA on head L. */
export function simpleLayout(): SimLayout {
  return {
    laneGroups: [
      laneGroup({
        id: 'EB',
        approach: 'EB',
        signalGroup: 'A',
        turns: ['through', 'right'],
        lanes: [
          {
            detectors: [
              loop('eb-stop', 'stopBar', 0, 12),
              loop('eb-adv', 'advance', 40),
              loop('eb-c1', 'count', 126),
              loop('eb-c2', 'count', 120),
            ],
          },
        ],
      }),
      laneGroup({
        id: 'WB',
        approach: 'WB',
        signalGroup: 'B',
        lanes: [{ detectors: [loop('wb-adv', 'advance', 40)] }],
      }),
      laneGroup({ id: 'EBL', approach: 'EB', signalGroup: 'L', turns: ['left'], opposing: ['WB'] }),
    ],
    crosswalks: [{ id: 'X1', signalGroup: 'A-ped', buttonIds: ['ped-1'] }],
  };
}
