import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../core/contract/index.ts';
import { type Ack, deriveAlarms, healthAge, modeOf, sortAlarms } from './alarms.ts';
import { applyMessage, type CityState, emptyCity } from './state.ts';

const cab = { site: 'downtown', device: 'cab-1' };
const gw = { site: 'campus', device: 'gw-1' };
const ix = { ...cab, intersection: 'main-and-3rd' };
const health = {
  uptimeS: 10,
  cpuTempC: 50,
  memUsedMb: 300,
  memTotalMb: 1000,
  rssMb: 80,
  diskFreeMb: 1000,
  load1: 0.2,
  queueDepth: 0,
  queueDropped: 0,
  serial: null,
  cameras: {},
  intervalS: 10,
};

const apply = (s: CityState, m: { topic: string; payload: string }) => applyMessage(s, m.topic, m.payload);
const heads = (mode: 'normal' | 'flash' | 'preemption', ts: number) =>
  buildMessage('signalHeads', ix, { mode, groups: { '2': 'green' } }, { ts });
const alarm = (kind: 'conflict' | 'detectorFault' | 'reset', latched: boolean, ts: number) =>
  buildMessage('signalAlarm', ix, { kind, detail: kind, latched }, { ts });

describe('control-room alarms', () => {
  it('derives the intersection mode: offline wins, then flash and preemption', () => {
    let s = apply(emptyCity(), buildMessage('status', cab, { state: 'online' }, { ts: 1 }));
    const mode = () =>
      modeOf(s.devices['downtown/cab-1']!, s.devices['downtown/cab-1']!.intersections['main-and-3rd']!);
    s = apply(s, heads('normal', 2));
    expect(mode()).toBe('normal');
    s = apply(s, heads('preemption', 3));
    expect(mode()).toBe('preemption');
    s = apply(s, heads('flash', 4));
    expect(mode()).toBe('flash');
    s = apply(s, buildMessage('status', cab, { state: 'offline' }, { ts: 5 }));
    expect(mode()).toBe('offline');
  });

  it('keeps latched alarms until a reset and drops old unlatched ones', () => {
    const t = 1_000_000;
    let s = apply(emptyCity(), heads('normal', t));
    s = apply(s, alarm('detectorFault', false, t));
    s = apply(s, alarm('conflict', true, t + 1));
    const now = t + 20 * 60_000;
    expect(deriveAlarms(s, now).map((a) => [a.title, a.severity])).toEqual([
      ['main-and-3rd: conflict (latched)', 'critical'],
    ]);
    expect(deriveAlarms(s, t + 2).map((a) => a.severity)).toEqual(['critical', 'minor']);
    s = apply(s, alarm('reset', false, t + 3));
    expect(deriveAlarms(s, now)).toEqual([]);
  });

  it('raises flash, offline and stale health with ids per episode', () => {
    const t = 5_000_000;
    let s = apply(emptyCity(), buildMessage('status', gw, { state: 'online' }, { ts: t }));
    s = apply(s, buildMessage('health', gw, health, { ts: t }));
    expect(healthAge(s.devices['campus/gw-1']!, t + 29_000)).toEqual({ ageMs: 29_000, stale: false });
    expect(healthAge(s.devices['campus/gw-1']!, t + 31_000)?.stale).toBe(true);
    expect(deriveAlarms(s, t + 31_000).map((a) => a.title)).toEqual(['campus/gw-1 health stale']);
    s = apply(s, heads('flash', t + 40_000));
    s = apply(s, buildMessage('status', gw, { state: 'offline' }, { ts: t + 50_000 }));
    const titles = deriveAlarms(s, t + 50_000).map((a) => a.title);
    expect(titles).toContain('main-and-3rd in flash');
    expect(titles).toContain('campus/gw-1 offline');
    expect(titles).not.toContain('campus/gw-1 health stale');
  });

  it('sorts by severity, unacknowledged first, then newest', () => {
    const t = 9_000_000;
    let s = apply(emptyCity(), heads('normal', t));
    s = apply(s, alarm('detectorFault', false, t + 1));
    s = apply(s, alarm('detectorFault', false, t + 2));
    s = apply(s, alarm('conflict', true, t + 3));
    s = apply(s, buildMessage('health', gw, { ...health, cpuTempC: 85 }, { ts: t }));
    const alarms = deriveAlarms(s, t + 10);
    const newer = alarms.find((a) => a.ts === t + 2)!;
    const acks = new Map<string, Ack>([[newer.id, { alarm: newer.id, by: 'olga', ts: t + 5 }]]);
    expect(sortAlarms(alarms, acks).map((a) => [a.severity, a.ts])).toEqual([
      ['critical', t + 3],
      ['major', t],
      ['minor', t + 1],
      ['minor', t + 2],
    ]);
  });
});
