/** The ped-buttons feature's slot: push buttons on GPIO inputs → controllers/ped-buttons → pedPresses. */
import type { z } from 'zod';
import { pedButtonSchema } from '../../config/schema.ts';
import type { Feature } from '../feature.ts';

const sectionSchema = pedButtonSchema.array();

export const pedButtons: Feature<z.output<typeof sectionSchema>> = {
  name: 'pedButtons',
  configSchema: sectionSchema,
  section: (config) => (config.pedButtons.length > 0 ? config.pedButtons : undefined),
  bindings: ['gpio'],
  controller: 'controllers/ped-buttons',
  publishes: ['pedPresses'],
  commands: [],
  async check(config) {
    const { checkPedButtons } = await import('./feature.ts');
    return checkPedButtons(config);
  },
  async start(ctx) {
    const { startPedButtons } = await import('./feature.ts');
    return startPedButtons(ctx);
  },
};
