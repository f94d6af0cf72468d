import type { DemandSpec, EmergencySpec } from './types.ts';

/** Demand for the four-leg layouts (approach names as in controllers/signals/examples). */
export interface Scenario {
  name: string;
  demand: DemandSpec;
  emergencies?: EmergencySpec[];
}

const fourLeg = (
  main: [through: number, left: number, right: number],
  side: [through: number, left: number, right: number],
  skew = { eb: 1, wb: 1, nb: 1, sb: 1 },
): Record<string, number> => {
  const leg = (name: string, [t, l, r]: [number, number, number], k: number) => ({
    [`${name}.through`]: Math.round(t * k),
    [`${name}.left`]: Math.round(l * k),
    [`${name}.right`]: Math.round(r * k),
  });
  return {
    ...leg('eastbound', main, skew.eb),
    ...leg('westbound', main, skew.wb),
    ...leg('northbound', side, skew.nb),
    ...leg('southbound', side, skew.sb),
  };
};

/** Off-peak: main ~330 veh/h per direction, side ~140: well under capacity. */
export const OFF_PEAK: Scenario = {
  name: 'off-peak',
  demand: { vehPerHour: fourLeg([250, 40, 40], [100, 20, 20]), pedsPerHour: {} },
};

/** Peak: critical Y ≈ 0.7 with single-lane approaches; Webster cycle ≈ 120 s. */
export const PEAK: Scenario = {
  name: 'peak',
  demand: { vehPerHour: fourLeg([620, 110, 70], [260, 50, 40]), pedsPerHour: {} },
};

/** Unbalanced: heavy eastbound main and northbound side, light opposite directions. */
export const UNBALANCED: Scenario = {
  name: 'unbalanced',
  demand: {
    vehPerHour: fourLeg([500, 80, 60], [220, 40, 30], { eb: 1.4, wb: 0.5, nb: 1.3, sb: 0.35 }),
    pedsPerHour: {},
  },
};

/** Emergency vehicles on every approach, first request 600 m out at 15 m/s (ETA 40 s). */
export function evScenario(
  base: Scenario,
  approaches: string[],
  durationS: number,
  queueYields = true,
): Scenario {
  const gap = durationS / (approaches.length * 2 + 1);
  const emergencies: EmergencySpec[] = approaches.flatMap((a, i) =>
    [0, 1].map((k) => ({
      vehicleId: `ev-${a}-${k}`,
      movement: `${a}.through`,
      appearAtS: Math.round(gap * (1 + i * 2 + k)),
      distanceM: 600,
      speedMps: 15,
      queueYields,
    })),
  );
  return { name: `${base.name}+EV${queueYields ? '' : '/q'}`, demand: base.demand, emergencies };
}
