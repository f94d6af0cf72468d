import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultMode, parseLotYaml, parseRegistryYaml, reviewFallback } from './config.ts';
import { isOpenAt } from './hours.ts';
import { exampleLot } from './test-helpers.ts';

const lotText = readFileSync(new URL('./examples/campus-lot.yaml', import.meta.url), 'utf8');

describe('lot configuration', () => {
  it('the example lot is valid: 2 lanes, 40 bays of which 4 disabled with cameras', () => {
    const lot = exampleLot();
    expect(lot.lanes.map((l) => [l.id, l.direction])).toEqual([
      ['entry-1', 'entry'],
      ['exit-1', 'exit'],
    ]);
    expect(lot.bays).toHaveLength(40);
    expect(lot.bays.filter((b) => b.kind === 'disabled' && b.camera)).toHaveLength(4);
  });

  it('errors name the offending field', () => {
    const broken = lotText.replace('output: 22,', 'output: -3,').replace('kind: ev', 'kind: hovercraft');
    const r = parseLotYaml(broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((e) => [e.code, e.field])).toEqual([
      ['CONFIG_INVALID', 'lanes.0.barrier.output'],
      ['CONFIG_INVALID', 'bays.4.kind'],
    ]);
  });

  it('rejects duplicates, more bays than capacity, and bad YAML', () => {
    const dup = parseLotYaml(lotText.replace('id: A02,', 'id: A01,').replace('capacity: 40', 'capacity: 39'));
    expect(dup.ok ? [] : dup.error.map((e) => e.message)).toEqual([
      'bays.11: duplicate bay id "A01"',
      'capacity: more bays than capacity',
    ]);
    const yaml = parseLotYaml('lanes: [');
    expect(yaml.ok ? '' : yaml.error[0]?.code).toBe('CONFIG_YAML');
  });

  it('defaults: exits fail open and let unreadable plates out, entries hold and wait', () => {
    const lot = parseLotYaml(lotText.replace(/\n {4}onFault: \w+/g, '').replace(/, fallback: \w+/g, ''));
    expect(lot.ok).toBe(true);
    if (!lot.ok) return;
    expect(lot.value.lanes.map((l) => [faultMode(l), reviewFallback(l)])).toEqual([
      ['hold', 'wait'],
      ['open', 'open'],
    ]);
  });

  it('opening hours are evaluated in the lot time zone, including overnight windows', () => {
    const lot = exampleLot();
    expect(isOpenAt(lot, Date.parse('2026-11-23T09:30:00Z'))).toBe(true); // Mon 06:30 local
    expect(isOpenAt(lot, Date.parse('2026-11-23T08:30:00Z'))).toBe(false); // Mon 05:30 local
    const night = { ...lot, openingHours: [{ days: ['fri' as const], open: '20:00', close: '02:00' }] };
    expect(isOpenAt(night, Date.parse('2026-11-28T04:00:00Z'))).toBe(true); // Sat 01:00 local
    expect(isOpenAt(night, Date.parse('2026-11-29T04:00:00Z'))).toBe(false); // Sun 01:00 local
  });
});

describe('vehicle registry', () => {
  it('parses the example and reports bad categories and dates by field', () => {
    const ok = parseRegistryYaml(readFileSync(new URL('./examples/registry.yaml', import.meta.url), 'utf8'));
    expect(ok.ok && ok.value.vehicles.length).toBe(10);
    const bad = parseRegistryYaml(
      'vehicles:\n  - { plate: AB1, category: vip }\n  - { plate: CD2, category: staff, validUntil: someday }',
    );
    expect(bad.ok ? [] : bad.error.map((e) => e.field)).toEqual([
      'vehicles.0.category',
      'vehicles.1.validUntil',
    ]);
    expect(ok.ok && ok.value.warnings).toEqual([]);
  });

  it('reads the old "disabled-permit" spelling as the contract\'s "disabled", with a warning', () => {
    const r = parseRegistryYaml(
      'vehicles:\n  - { plate: AB 123, category: disabled-permit }\n  - { plate: CD 456, category: disabled }',
    );
    expect(r.ok && r.value.vehicles.map((v) => v.category)).toEqual(['disabled', 'disabled']);
    expect(r.ok && r.value.warnings).toEqual([
      'category "disabled-permit" (1 vehicles) is deprecated: write "disabled"',
    ]);
  });

  it('refuses plate text that normalising would silently change beyond separators', () => {
    const r = parseRegistryYaml(
      'vehicles:\n  - { plate: ÄB-123, category: staff }\n  - { plate: "AB#12", category: staff }',
    );
    expect(r.ok ? [] : r.error.map((e) => e.field)).toEqual(['vehicles.0.plate', 'vehicles.1.plate']);
  });
});
