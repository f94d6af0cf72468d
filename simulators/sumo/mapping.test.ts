import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectorDomain, loadIntersectionBinding, parseIntersectionBinding } from './mapping.ts';

const file = join(import.meta.dirname, 'scenarios/junction/junction.intersection.yaml');
const doc = async () =>
  parse(await readFile(file, 'utf8')) as Record<string, unknown> & { sumo: Record<string, unknown> };

describe('intersection binding (controller config + sumo mapping)', () => {
  it('loads the junction scenario file', async () => {
    const r = await loadIntersectionBinding(file);
    if (!r.ok) throw r.error;
    expect(r.value.mapping.tls).toBe('C');
    expect(r.value.mapping.signalGroups['EB-left']).toEqual([15]);
    expect(r.value.config.phases).toHaveLength(8);
    expect(r.value.mapping.emergency).toEqual({ vClasses: ['emergency'], detectionRangeM: 300 });
  });

  it('rejects a signal group the controller does not have', async () => {
    const d = await doc();
    d.sumo.signalGroups = { ...(d.sumo.signalGroups as object), 'XB-through': [16] };
    const r = parseIntersectionBinding(d);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SIM_SUMO_MAPPING_INVALID');
      expect(r.error.message).toContain('XB-through');
    }
  });

  it('rejects a link driven by two signal groups', async () => {
    const d = await doc();
    d.sumo.signalGroups = { ...(d.sumo.signalGroups as object), 'EB-left': [14] };
    const r = parseIntersectionBinding(d);
    expect(!r.ok && r.error.message).toContain('link 14 already driven by EB-through');
  });

  it('reports a missing sumo section, a bad controller config and a missing file by code', async () => {
    const { sumo: _omit, ...rest } = await doc();
    const noSumo = parseIntersectionBinding(rest);
    expect(!noSumo.ok && noSumo.error.code).toBe('SIM_SUMO_MAPPING_MISSING');
    const badCfg = parseIntersectionBinding({ ...(await doc()), phases: [] });
    expect(!badCfg.ok && badCfg.error.code).toBe('SIM_SUMO_CONTROLLER_CONFIG');
    const missing = await loadIntersectionBinding('/nonexistent/x.yaml');
    expect(!missing.ok && missing.error.code).toBe('SIM_SUMO_MAPPING_IO');
  });

  it('drives a detector by its declared kind, whatever its id', () => {
    expect([
      detectorDomain({ id: 'e2_looks_like_a_zone', kind: 'loop', lane: 'W_P_0' }),
      detectorDomain({ id: 'adv_W_P_0', kind: 'zone', lane: 'W_P_0' }),
    ]).toEqual(['inductionLoop', 'laneArea']);
  });

  it('rejects a bare id, saying what to declare, and reports every bad field with its path', async () => {
    const d = await doc();
    d.sumo.detectors = { 'eb-stop': ['e2_W_P_0'], 'wb-stop': [{ id: 'x', kind: 'e2', lane: 'E_P_0' }] };
    const bare = parseIntersectionBinding(d);
    expect(!bare.ok && bare.error.message).toContain(
      'sumo.detectors.eb-stop[0]: "e2_W_P_0": declare { id: e2_W_P_0, kind: loop|zone',
    );
    d.sumo.detectors = {
      'wb-stop': [{ id: 'x', kind: 'e2', lane: 'E_P_0' }],
      'nb-stop': [{ id: 'y', kind: 'loop' }],
    };
    const r = parseIntersectionBinding(d);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = (r.error.details as { path: string }[]).map((i) => i.path);
      expect(paths).toEqual(['sumo.detectors.wb-stop[0].kind', 'sumo.detectors.nb-stop[0].lane']);
    }
  });
});
