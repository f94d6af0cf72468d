/**
 * `--intersection FILE`: the controller's intersection config plus a `sumo:` section that ties
 * it to a SUMO traffic light (signal groups ↔ link indices, controller detectors ↔ SUMO
 * detectors, approach edges, emergency-vehicle sighting). Errors are values with codes.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CityEdgeError, type Result, err, ok } from '../../core/errors.ts';
import { type IntersectionConfig, parseIntersectionConfig } from '../../controllers/signals/config.ts';
import type { IntersectionController } from '../../controllers/signals/types.ts';

export const sumoMappingSchema = z.object({
  tls: z.string().min(1),
  /** Signal group name (as in heads()) → SUMO link indices it drives. */
  signalGroups: z.record(z.string(), z.array(z.number().int().min(0)).min(1)),
  /** Controller detector id → SUMO detector ids (E2 lane-area or E1 loop); presence = any occupied. */
  detectors: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  /** Last SUMO edge before the stop line → controller approach name. */
  approaches: z.record(z.string(), z.string().min(1)).default({}),
  emergency: z
    .object({
      vClasses: z.array(z.string().min(1)).min(1).default(['emergency']),
      /** Route distance to the stop line at which a GPS priority system first sees the vehicle. */
      detectionRangeM: z.number().positive().default(300),
    })
    .default({ vClasses: ['emergency'], detectionRangeM: 300 }),
});
export type SumoMapping = z.output<typeof sumoMappingSchema>;

/** SUMO detector kind, from the id convention used by scenarios (`e1_…` loops, anything else E2). */
export type SumoDetectorKind = 'inductionLoop' | 'laneArea';
export function detectorKind(sumoId: string): SumoDetectorKind {
  return sumoId.startsWith('e1_') ? 'inductionLoop' : 'laneArea';
}

export interface IntersectionBinding {
  readonly config: IntersectionConfig;
  readonly mapping: SumoMapping;
}

const fail = (code: `SIM_SUMO_${string}`, message: string) => err(new CityEdgeError(code, message));

/** Cross-checks the mapping against the controller config (names must exist, links not shared). */
export function checkMapping(config: IntersectionConfig, m: SumoMapping): string[] {
  const issues: string[] = [];
  const groups = new Set(config.signalGroups.map((g) => g.name));
  const seen = new Map<number, string>();
  for (const [group, links] of Object.entries(m.signalGroups)) {
    if (!groups.has(group)) issues.push(`sumo.signalGroups.${group}: no such signal group in the controller`);
    for (const l of links) {
      const other = seen.get(l);
      if (other) issues.push(`sumo.signalGroups.${group}: link ${l} already driven by ${other}`);
      seen.set(l, group);
    }
  }
  const detectors = new Set(config.detectors.map((d) => d.id));
  for (const id of Object.keys(m.detectors)) {
    if (!detectors.has(id)) issues.push(`sumo.detectors.${id}: no such detector in the controller`);
  }
  const approaches = new Set(config.preemption.map((p) => p.approach));
  for (const [edge, a] of Object.entries(m.approaches)) {
    if (!approaches.has(a)) issues.push(`sumo.approaches.${edge}: no preemption for approach ${a}`);
  }
  return issues;
}

/** Parses an already-loaded document (object) into a binding. */
export function parseIntersectionBinding(doc: unknown): Result<IntersectionBinding> {
  if (typeof doc !== 'object' || doc === null || !('sumo' in doc)) {
    return fail('SIM_SUMO_MAPPING_MISSING', 'intersection file has no `sumo:` section');
  }
  const { sumo, ...controllerDoc } = doc as { sumo: unknown } & Record<string, unknown>;
  const cfg = parseIntersectionConfig(controllerDoc);
  if (!cfg.ok) return fail('SIM_SUMO_CONTROLLER_CONFIG', `${cfg.error.code}: ${cfg.error.message}`);
  const m = sumoMappingSchema.safeParse(sumo);
  if (!m.success) {
    const first = m.error.issues[0];
    return fail(
      'SIM_SUMO_MAPPING_INVALID',
      `sumo.${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`,
    );
  }
  const issues = checkMapping(cfg.value, m.data);
  if (issues.length) return fail('SIM_SUMO_MAPPING_INVALID', issues.join('; '));
  return ok({ config: cfg.value, mapping: m.data });
}

export async function loadIntersectionBinding(path: string): Promise<Result<IntersectionBinding>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return fail('SIM_SUMO_MAPPING_IO', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return fail('SIM_SUMO_MAPPING_PARSE', `${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseIntersectionBinding(doc);
}

/** One SUMO traffic light and the controller that drives it (here, not in bridge.ts, so ev-priority.ts needs no import back). */
export interface BridgeIntersection {
  readonly binding: IntersectionBinding;
  readonly controller: IntersectionController;
}
