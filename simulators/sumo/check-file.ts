/**
 * The `sumo:` half of `cityedge signals check`: the mapping against the controller config, and
 * with `--net` (plus optional `--additional` detector files) against the SUMO network offline.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { FieldIssue } from '../../controllers/signals/errors.ts';
import { checkAgainstNet } from './check.ts';
import { parseIntersectionBinding } from './mapping.ts';
import { parseDetectors, parseNet } from './net.ts';

export interface SumoCheckOptions {
  readonly net?: string;
  readonly additional?: readonly string[];
}

export interface SumoCheck {
  /** False when the file has no `sumo:` section (and no --net was asked for). */
  readonly present: boolean;
  readonly code?: string;
  readonly issues: FieldIssue[];
  readonly summary?: string;
}

const read = async (path: string, what: string): Promise<string | FieldIssue> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    return { path: what, message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
};

export async function checkSumoSection(file: string, o: SumoCheckOptions): Promise<SumoCheck> {
  const text = await read(file, '(file)');
  if (typeof text !== 'string') return { present: true, code: 'SIM_SUMO_MAPPING_IO', issues: [text] };
  const doc = parseYaml(text) as unknown;
  const has = typeof doc === 'object' && doc !== null && 'sumo' in doc;
  if (!has) {
    if (!o.net) return { present: false, issues: [] };
    return {
      present: true,
      code: 'SIM_SUMO_MAPPING_MISSING',
      issues: [{ path: 'sumo', message: '--net given but the file has no `sumo:` section' }],
    };
  }
  const b = parseIntersectionBinding(doc);
  if (!b.ok) {
    const issues = Array.isArray(b.error.details)
      ? (b.error.details as FieldIssue[])
      : [{ path: 'sumo', message: b.error.message }];
    return { present: true, code: b.error.code, issues };
  }
  const m = b.value.mapping;
  if (!o.net) {
    const summary = `sumo: TLS ${m.tls}, ${Object.keys(m.signalGroups).length} signal groups, ${Object.keys(m.detectors).length} detectors mapped (not checked against a network: give --net)`;
    return { present: true, issues: [], summary };
  }
  const netText = await read(o.net, '--net');
  if (typeof netText !== 'string') return { present: true, code: 'SIM_SUMO_NET_IO', issues: [netText] };
  const net = parseNet(netText);
  let dets: ReturnType<typeof parseDetectors> | undefined;
  for (const a of o.additional ?? []) {
    const t = await read(a, '--additional');
    if (typeof t !== 'string') return { present: true, code: 'SIM_SUMO_NET_IO', issues: [t] };
    dets = [...(dets ?? []), ...parseDetectors(t)];
  }
  const issues = checkAgainstNet(b.value, net, dets);
  const links = net.tls.get(m.tls)?.links.length ?? 0;
  const n = Object.values(m.detectors).flat().length;
  return issues.length
    ? { present: true, code: 'SIM_SUMO_NET_MISMATCH', issues }
    : {
        present: true,
        issues,
        summary: `sumo: TLS ${m.tls} in ${o.net}: all ${links} links driven once, no crossing greens, clearances ≥ ITE, ${n} SUMO detectors on their lanes${dets ? ' (kinds and positions checked)' : ''}`,
      };
}
