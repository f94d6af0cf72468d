/** `cityedge edge --check`: validates the referenced lot, registry and intersection files too. */
import { loadIntersectionConfig } from '../../controllers/signals/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import type { EdgeConfig } from '../config/schema.ts';
import { loadLot } from './parking-feature.ts';

export async function checkDomainConfigs(config: EdgeConfig): Promise<Result<void>> {
  if (config.parking) {
    const lot = loadLot(config.parking.lot, config.parking.registry);
    if (!lot.ok) return lot;
  }
  for (const [i, s] of config.signals.entries()) {
    const r = await loadIntersectionConfig(s.config);
    if (!r.ok)
      return err(
        new CityEdgeError('CONFIG_INVALID', `signals.${i}.config: ${JSON.stringify(r.error).slice(0, 500)}`),
      );
  }
  return ok(undefined);
}
