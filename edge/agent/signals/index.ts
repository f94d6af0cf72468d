/** The signals feature's slot: detector inputs and load-switch outputs → controllers/signals. */
import type { z } from 'zod';
import { signalsSchema } from '../../config/schema.ts';
import type { Feature } from '../feature.ts';

const sectionSchema = signalsSchema.array();

export const signals: Feature<z.output<typeof sectionSchema>> = {
  name: 'signals',
  configSchema: sectionSchema,
  section: (config) => (config.signals.length > 0 ? config.signals : undefined),
  bindings: ['gpio'],
  controller: 'controllers/signals',
  publishes: ['signalHeads', 'spat', 'hiRes', 'cycle', 'counts', 'signalAlarm'],
  commands: [
    'signals.flash',
    'signals.resetFlash',
    'signals.hold',
    'signals.release',
    'priority.request',
    'priority.cancel',
  ],
  async check(config) {
    const { checkSignals } = await import('./feature.ts');
    return checkSignals(config);
  },
  async start(ctx) {
    const { startSignals } = await import('./feature.ts');
    return startSignals(ctx);
  },
};
