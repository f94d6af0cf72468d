/**
 * The InfluxDB side of the contract, defined once: the measurement each topic kind is stored in
 * (broker/ingest writes, broker/api reads, benches and scenarios query) and the field names of
 * the measurements that are read back. Tags are always site + device or lot (+ the topic's
 * parameters); see broker/ingest/points.ts for every field.
 */
import type { TopicKind } from './topics.ts';

/**
 * Measurement by topic kind. `parkingBay` and `parkingReviews` are not stored: the bays and the
 * review list are retained state the control room reads live; history comes from `lot_occupancy`
 * and `parking_event`.
 */
export const MEASUREMENTS = {
  status: 'availability',
  health: 'device_health',
  sensorReading: 'sensor',
  parkingLot: 'lot_occupancy',
  parkingGate: 'gate_state',
  parkingEvent: 'parking_event',
  lprRead: 'lpr_read',
  signalHeads: 'signal_heads',
  spat: 'spat',
  hiRes: 'hires_event',
  cycle: 'cycle_measures',
  counts: 'traffic_counts',
  signalAlarm: 'signal_alarm',
  pedPresses: 'ped_presses',
  evPosition: 'ev_position',
} as const satisfies Partial<Record<TopicKind, string>>;

export type Measurement = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];

/**
 * `lot_occupancy` fields for the `parkingLot` payload's FIWARE counts. Short names because the
 * history API (/api/history/lots) and its roll-ups return them as they are.
 */
export const LOT_OCCUPANCY_FIELDS = {
  totalSpotNumber: 'total',
  availableSpotNumber: 'available',
  occupiedSpotNumber: 'occupied',
  unknownSpotNumber: 'unknown',
} as const;
