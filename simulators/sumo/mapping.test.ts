import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectorKind, loadIntersectionBinding, parseIntersectionBinding } from './mapping.ts';

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

  it('tells loops from lane-area detectors by id', () => {
    expect([detectorKind('e1_W_in_0'), detectorKind('e2_W_P_0')]).toEqual(['inductionLoop', 'laneArea']);
  });
});
