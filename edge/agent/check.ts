/** `cityedge edge --check`: each configured feature validates the lot, registry, intersection … files it refers to. */
import { ok, type Result } from '../../core/errors.ts';
import type { EdgeConfig } from '../config/schema.ts';
import { FEATURES } from './features.ts';

export async function checkDomainConfigs(config: EdgeConfig): Promise<Result<void>> {
  for (const feature of FEATURES) {
    if (feature.section(config) === undefined) continue;
    const r = await feature.check(config);
    if (!r.ok) return r;
  }
  return ok(undefined);
}
