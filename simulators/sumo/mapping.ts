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
import { type FieldIssue, formatPath } from '../../controllers/signals/errors.ts';

/** E1 induction loop (a point) or E2 lane-area zone (a length of lane). */
export const sumoDetectorKind = z.enum(['loop', 'zone']);
export const sumoDetectorSchema = z.object({
  id: z.string().min(1),
  kind: sumoDetectorKind,
  /** SUMO lane id the detector is on; `signals check --net` verifies it. */
  lane: z.string().min(1),
});
export type SumoDetector = z.output<typeof sumoDetectorSchema>;

export const sumoMappingSchema = z.object({
  tls: z.string().min(1),
  /** Signal group name (as in heads()) → SUMO link indices it drives. */
  signalGroups: z.record(z.string(), z.array(z.number().int().min(0)).min(1)),
  /**
   * Controller detector id → the SUMO detectors behind it, each declared with its kind and lane
   * (any SUMO id; nothing is guessed from the id). Presence = any of them occupied. The role
   * (stop-bar, advance, queue, count) is the controller detector's `kind`.
   */
  detectors: z.record(z.string(), z.array(sumoDetectorSchema).min(1)).default({}),
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

/** TraCI domain of a declared SUMO detector. */
export type SumoDetectorDomain = 'inductionLoop' | 'laneArea';
export const detectorDomain = (d: SumoDetector): SumoDetectorDomain =>
  d.kind === 'loop' ? 'inductionLoop' : 'laneArea';

export interface IntersectionBinding {
  readonly config: IntersectionConfig;
  readonly mapping: SumoMapping;
}

const fail = (code: `SIM_SUMO_${string}`, message: string) => err(new CityEdgeError(code, message));
/** Every problem at once, each with its path in the file (details: FieldIssue[]). */
const invalid = (issues: FieldIssue[]) =>
  err(new CityEdgeError('SIM_SUMO_MAPPING_INVALID', joinIssues(issues), issues));

/** Cross-checks the mapping against the controller config (names must exist, links not shared). */
export function checkMapping(config: IntersectionConfig, m: SumoMapping): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const groups = new Set(config.signalGroups.map((g) => g.name));
  const seen = new Map<number, string>();
  for (const [group, links] of Object.entries(m.signalGroups)) {
    if (!groups.has(group)) add(`sumo.signalGroups.${group}`, 'no such signal group in the controller');
    links.forEach((l, k) => {
      const other = seen.get(l);
      if (other) add(`sumo.signalGroups.${group}[${k}]`, `link ${l} already driven by ${other}`);
      seen.set(l, group);
    });
  }
  const detectors = new Set(config.detectors.map((d) => d.id));
  for (const id of Object.keys(m.detectors)) {
    if (!detectors.has(id)) add(`sumo.detectors.${id}`, 'no such detector in the controller');
  }
  const approaches = new Set(config.preemption.map((p) => p.approach));
  for (const [edge, a] of Object.entries(m.approaches)) {
    if (!approaches.has(a)) add(`sumo.approaches.${edge}`, `no preemption for approach ${a}`);
  }
  return issues;
}

/** Old files listed bare ids; say what to declare instead of failing on a generic type error. */
function bareIds(sumo: unknown): FieldIssue[] {
  const dets = (sumo as { detectors?: unknown } | null)?.detectors;
  if (typeof dets !== 'object' || dets === null) return [];
  const out: FieldIssue[] = [];
  for (const [id, list] of Object.entries(dets)) {
    if (!Array.isArray(list)) continue;
    list.forEach((d, k) => {
      if (typeof d === 'string')
        out.push({
          path: `sumo.detectors.${id}[${k}]`,
          message: `"${d}": declare { id: ${d}, kind: loop|zone, lane: <SUMO lane> } — the kind is not guessed from the id`,
        });
    });
  }
  return out;
}

const joinIssues = (issues: readonly FieldIssue[]) => issues.map((i) => `${i.path}: ${i.message}`).join('; ');

/** Parses an already-loaded document (object) into a binding. */
export function parseIntersectionBinding(doc: unknown): Result<IntersectionBinding> {
  if (typeof doc !== 'object' || doc === null || !('sumo' in doc)) {
    return fail('SIM_SUMO_MAPPING_MISSING', 'intersection file has no `sumo:` section');
  }
  const { sumo, ...controllerDoc } = doc as { sumo: unknown } & Record<string, unknown>;
  const cfg = parseIntersectionConfig(controllerDoc);
  if (!cfg.ok) return fail('SIM_SUMO_CONTROLLER_CONFIG', `${cfg.error.code}: ${cfg.error.message}`);
  const bare = bareIds(sumo);
  if (bare.length) return invalid(bare);
  const m = sumoMappingSchema.safeParse(sumo);
  if (!m.success) {
    return invalid(
      m.error.issues.map((i) => ({
        path: `sumo.${formatPath(i.path as PropertyKey[])}`,
        message: i.message,
      })),
    );
  }
  const issues = checkMapping(cfg.value, m.data);
  if (issues.length) return invalid(issues);
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
