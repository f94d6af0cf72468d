/** Valid contract messages for tests, benches and the load generator. */
import { buildMessage, type OutgoingMessage } from '../core/contract/index.ts';

export function lotMessage(
  site: string,
  lot: string,
  ts: number,
  occupied: number,
  id?: string,
): OutgoingMessage {
  const total = 200;
  return buildMessage(
    'parkingLot',
    { site, device: lot },
    {
      totalSpotNumber: total,
      availableSpotNumber: total - occupied,
      occupiedSpotNumber: occupied,
      unknownSpotNumber: 0,
      full: occupied >= total,
      drift: 0,
      disabled: { total: 4, available: 2 },
    },
    { ts, ...(id ? { id } : {}) },
  );
}

export function sensorMessage(
  site: string,
  device: string,
  ts: number,
  n: number,
  id?: string,
): OutgoingMessage {
  return buildMessage(
    'sensorReading',
    { site, device, sensor: `s${n % 50}` },
    { sensor: `s${n % 50}`, kind: 'occupancy', occupied: n % 2 === 0, raw: n % 1000 },
    { ts, ...(id ? { id } : {}) },
  );
}

export function lprMessage(site: string, device: string, ts: number, plate: string): OutgoingMessage {
  return buildMessage(
    'lprRead',
    { site, device },
    {
      camera: 'cam-entry',
      lane: 'entry-1',
      plate,
      confidence: 0.93,
      box: [10, 20, 120, 40],
      candidates: [],
      ms: 41,
    },
    { ts },
  );
}

export function eventMessage(
  site: string,
  device: string,
  ts: number,
  kind: 'entry' | 'exit',
  plate: string,
): OutgoingMessage {
  return buildMessage(
    'parkingEvent',
    { site, device },
    { kind, lane: 'entry-1', plate, decision: 'open' },
    { ts },
  );
}

export function cycleMessage(
  site: string,
  device: string,
  intersection: string,
  ts: number,
  cycle: number,
): OutgoingMessage {
  return buildMessage(
    'cycle',
    { site, device, intersection },
    {
      cycle,
      startTs: ts - 90_000,
      lengthS: 90,
      phases: [2, 6].map((phase) => ({
        phase,
        greenS: 30 + (cycle % 5),
        termination: 'gapOut' as const,
        arrivalsOnGreen: 12,
        arrivalsOnRed: 4,
        splitFailure: false,
        utilisation: 0.7,
        redLightViolations: 0,
      })),
      preemptions: [],
    },
    { ts },
  );
}
