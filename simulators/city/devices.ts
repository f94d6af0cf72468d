/**
 * Virtual edge devices for load and soak tests: a parking-lot gateway and a signal controller,
 * each producing a realistic mix of contract messages at configurable rates (per second).
 */
import { buildMessage, type OutgoingMessage } from '../../core/contract/index.ts';

export interface Rates {
  [kind: string]: number;
}

/** Messages/s per device at scale 1 (what a busy real site sends). */
export const lotRates: Rates = { lot: 1, bay: 0.5, lpr: 0.1, event: 0.1, health: 0.1 };
export const intersectionRates: Rates = { spat: 1, heads: 0.5, hires: 1, cycle: 1 / 90, alarm: 0.002 };

const plates = ['AB12CD', 'XY34ZT', 'KL56MN', 'PQ78RS', 'GH90JK', 'TU11VW'];

export interface VirtualDevice {
  site: string;
  device: string;
  kind: 'parking' | 'signals';
  rates: Rates;
  /** Builds one message of `kind` at device time `ts`; `n` counts messages of this device. */
  build(kind: string, ts: number, n: number): OutgoingMessage;
}

export function lotDevice(site: string, device: string): VirtualDevice {
  let occupied = 100;
  return {
    site,
    device,
    kind: 'parking',
    rates: lotRates,
    build: (kind, ts, n) => {
      const p = { site, device };
      switch (kind) {
        case 'lot':
          occupied = Math.max(0, Math.min(200, occupied + (n % 3) - 1));
          return buildMessage(
            'parkingLot',
            p,
            {
              totalSpotNumber: 200,
              availableSpotNumber: 200 - occupied,
              occupiedSpotNumber: occupied,
              unknownSpotNumber: 0,
              full: occupied >= 200,
              drift: 0,
              disabled: { total: 6, available: 3 },
            },
            { ts },
          );
        case 'bay':
          return buildMessage(
            'parkingBay',
            { ...p, bay: `b${n % 200}` },
            {
              bay: `b${n % 200}`,
              kind: 'regular',
              status: n % 2 ? 'occupied' : 'free',
              since: ts,
            },
            { ts },
          );
        case 'lpr':
          return buildMessage(
            'lprRead',
            p,
            {
              camera: 'cam-entry',
              lane: 'entry-1',
              plate: plates[n % plates.length]!,
              confidence: 0.9,
              box: [40, 60, 200, 50],
              candidates: [],
              ms: 35,
            },
            { ts },
          );
        case 'event':
          return buildMessage(
            'parkingEvent',
            p,
            {
              kind: n % 2 ? 'exit' : 'entry',
              lane: 'entry-1',
              plate: plates[n % plates.length]!,
              decision: 'open',
            },
            { ts },
          );
        default:
          return buildMessage(
            'health',
            p,
            {
              uptimeS: n,
              cpuTempC: 52,
              memUsedMb: 310,
              memTotalMb: 1024,
              rssMb: 120,
              diskFreeMb: 9000,
              load1: 0.4,
              queueDepth: 0,
              queueDropped: 0,
              serial: { state: 'up', reconnects: 0, badFrames: 0 },
              cameras: { 'cam-entry': 'ok' },
            },
            { ts },
          );
      }
    },
  };
}

export function intersectionDevice(site: string, device: string): VirtualDevice {
  const intersection = `x-${device}`;
  return {
    site,
    device,
    kind: 'signals',
    rates: intersectionRates,
    build: (kind, ts, n) => {
      const p = { site, device, intersection };
      switch (kind) {
        case 'spat':
          return buildMessage(
            'spat',
            p,
            {
              mode: 'normal',
              rings: [1, 2].map((ring) => ({
                ring,
                phase: ring === 1 ? 2 : 6,
                interval: 'green',
                minEndMs: ts + 5000,
                maxEndMs: ts + 30_000,
                timeToChangeMs: 5000 + (n % 20) * 1000,
              })),
            },
            { ts },
          );
        case 'heads':
          return buildMessage(
            'signalHeads',
            p,
            {
              mode: 'normal',
              groups: {
                '2': n % 2 ? 'green' : 'red',
                '6': n % 2 ? 'green' : 'red',
                '4': n % 2 ? 'red' : 'green',
              },
            },
            { ts },
          );
        case 'hires':
          return buildMessage(
            'hiRes',
            p,
            {
              events: Array.from({ length: 10 }, (_, i) => ({
                ts: ts - 1000 + i * 100,
                code: 82,
                param: (i % 8) + 1,
              })),
            },
            { ts },
          );
        case 'cycle':
          return buildMessage(
            'cycle',
            p,
            {
              cycle: n,
              startTs: ts - 90_000,
              lengthS: 90,
              phases: [2, 4, 6, 8].map((phase) => ({
                phase,
                greenS: 20,
                termination: 'gapOut' as const,
                arrivalsOnGreen: 10,
                arrivalsOnRed: 5,
                splitFailure: false,
                utilisation: 0.6,
                redLightViolations: 0,
              })),
              preemptions: [],
            },
            { ts },
          );
        default:
          return buildMessage(
            'signalAlarm',
            p,
            { kind: 'detectorFault', detail: 'loop 3 open', latched: false },
            { ts },
          );
      }
    },
  };
}
