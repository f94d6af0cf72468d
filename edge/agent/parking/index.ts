/** The parking feature's slot: lot GPIO, bay-sensor bus, cameras + LPR → controllers/parking. */
import type { z } from 'zod';
import { parkingSchema } from '../../config/schema.ts';
import type { Feature } from '../feature.ts';

export const parking: Feature<z.output<typeof parkingSchema>> = {
  name: 'parking',
  configSchema: parkingSchema,
  section: (config) => config.parking,
  bindings: ['gpio', 'serial', 'camera'],
  controller: 'controllers/parking',
  publishes: [
    'parkingLot',
    'parkingBay',
    'parkingGate',
    'parkingEvent',
    'parkingReviews',
    'lprRead',
    'cameraFrame',
    'sensorReading',
  ],
  commands: ['gate.open', 'gate.close', 'review.decide', 'registry.upsert', 'registry.remove'],
  async check(config) {
    const { checkParking } = await import('./feature.ts');
    return checkParking(config);
  },
  async start(ctx) {
    const { startParking } = await import('./feature.ts');
    return startParking(ctx);
  },
};
