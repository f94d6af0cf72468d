/** `sim ev` on the SUMO corridor (real SUMO, short: two EVs over ~6 simulated minutes). */
import { describe, expect, it } from 'vitest';
import { formatEvReport, resolveRoute, runEvTrip } from './run.ts';

describe('resolveRoute', () => {
  it('knows the named corridor routes and accepts connected edge lists', async () => {
    const named = await resolveRoute('corridor-wb');
    expect(named.ok && named.value.edges).toEqual(['E_J3', 'J3_J2', 'J2_J1', 'J1_W']);
    const custom = await resolveRoute('N2_J2, J2_J3, J3_E');
    expect(custom.ok && custom.value).toEqual({ id: 'custom', edges: ['N2_J2', 'J2_J3', 'J3_E'] });
  });
  it('rejects unknown and disconnected edges with a code', async () => {
    for (const [arg, msg] of [
      ['W_J1,nowhere', 'unknown corridor edge nowhere'],
      ['W_J1,J2_J3', 'W_J1 does not lead to J2_J3'],
      ['', 'empty route'],
    ] as const) {
      const r = await resolveRoute(arg);
      expect(!r.ok && r.error.code).toBe('SIM_EV_BAD_ROUTE');
      expect(!r.ok && r.error.message).toContain(msg);
    }
  });
});

describe('runEvTrip', () => {
  it('announces the route, sends requests with ETAs to each junction in order and checks out behind each', async () => {
    const route = await resolveRoute('corridor-eb');
    if (!route.ok) throw route.error;
    const r = await runEvTrip({ route: route.value, departS: 60, evs: 2, durationS: 300 });
    expect(r.withPriority.evs).toBe(2);
    expect(r.withoutPriority.evs).toBe(2);
    const first = r.messages.filter((m) => m.vehicleId === 'ev-1');
    expect(first[0]).toMatchObject({
      type: 'announce',
      routeId: 'corridor-eb',
      stops: [
        { intersection: 'J1', approach: 'eastbound' },
        { intersection: 'J2', approach: 'eastbound' },
        { intersection: 'J3', approach: 'eastbound' },
      ],
    });
    const order = first
      .filter((m) => m.type !== 'announce')
      .map((m) => `${m.type}:${'intersection' in m ? m.intersection : ''}`);
    const compact = order.filter((x, i) => x !== order[i - 1]);
    expect(compact).toEqual([
      'request:J1',
      'checkOut:J1',
      'request:J2',
      'checkOut:J2',
      'request:J3',
      'checkOut:J3',
    ]);
    for (const m of first) {
      if (m.type !== 'request') continue;
      expect(m.etaMs).toBeGreaterThan(m.atS * 1000); // absolute, in the future
      expect(m.distanceM).toBeLessThanOrEqual(350);
    }
    // the EV is never slower than driving the 1.6 km at its own desired speed (13.89 * 1.3 m/s)
    expect(r.withPriority.travelS).toBeGreaterThan(1500 / (13.89 * 1.3));
    expect(formatEvReport(r)).toMatch(/EV travel time \d+\.\d% (shorter|longer) with priority/);
  });
});
