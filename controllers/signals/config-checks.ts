/**
 * Cross-field safety checks of a parsed intersection file. Each issue names the offending field so a
 * traffic engineer can fix the file without reading code.
 */
import type { FieldIssue } from './errors.ts';
import type { ParsedConfig, PhaseConfig } from './config-schema.ts';

/** ITE change interval defaults: perception-reaction 1 s, deceleration 3.05 m/s² (10 ft/s²). */
export const ITE_REACTION_S = 1;
export const ITE_DECEL_MPS2 = 3.05;
const G = 9.81;
/** Yellow bounds used by most agencies (ITE recommended practice: 3–6 s). */
export const YELLOW_MIN_S = 3;
export const YELLOW_MAX_S = 6;
export const RED_CLEARANCE_MAX_S = 6;

/** ITE: y = t + v / (2a + 2Gg), v in m/s, grade g as a fraction (uphill positive). */
export function iteYellowS(speedKmh: number, gradePercent = 0): number {
  const v = speedKmh / 3.6;
  return ITE_REACTION_S + v / (2 * ITE_DECEL_MPS2 + 2 * G * (gradePercent / 100));
}

/** ITE vehicle length for the red clearance interval, m (20 ft). */
export const ITE_VEHICLE_LENGTH_M = 6.1;

/** ITE: r = (W + L) / v — W the crossing distance, L the vehicle length, v the approach speed. */
export function iteRedClearanceS(crossingM: number, speedKmh: number): number {
  return (crossingM + ITE_VEHICLE_LENGTH_M) / (speedKmh / 3.6);
}

/** Interval figures are shown and configured in 0.1 s; round up so a value is never below ITE. */
export const ceilTenth = (s: number): number => Math.ceil(s * 10 - 1e-6) / 10;

export const isPermissiveOnly = (p: PhaseConfig): boolean => p.leftTurnMode === 'permissive';

export function checkConfig(cfg: ParsedConfig): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const byId = new Map<number, PhaseConfig>();
  cfg.phases.forEach((p, i) => {
    if (byId.has(p.id)) add(`phases[${i}].id`, `phase ${p.id} is defined twice`);
    byId.set(p.id, p);
  });
  const ringOf = checkRings(cfg, byId, add);
  const barrierOf = checkBarriers(cfg, ringOf, add);
  checkMatrix(cfg, byId, ringOf, barrierOf, add);
  cfg.phases.forEach((p, i) => {
    checkPhase(p, `phases[${i}]`, byId, ringOf, add);
  });
  checkDetectors(cfg, ringOf, add);
  checkPreemption(cfg, ringOf, add);
  return issues;
}

type Add = (path: string, message: string) => void;

function checkRings(cfg: ParsedConfig, byId: Map<number, PhaseConfig>, add: Add): Map<number, number> {
  const ringOf = new Map<number, number>();
  cfg.rings.forEach((ring, r) => {
    ring.forEach((id, k) => {
      const p = byId.get(id);
      if (!p) add(`rings[${r}][${k}]`, `phase ${id} is not defined in phases`);
      else if (isPermissiveOnly(p))
        add(`rings[${r}][${k}]`, `phase ${id} is permissive-only and is not timed`);
      if (ringOf.has(id)) add(`rings[${r}][${k}]`, `phase ${id} appears in more than one ring position`);
      ringOf.set(id, r);
    });
  });
  cfg.phases.forEach((p, i) => {
    if (!isPermissiveOnly(p) && !ringOf.has(p.id)) add(`phases[${i}].id`, `phase ${p.id} is in no ring`);
  });
  return ringOf;
}

function checkBarriers(cfg: ParsedConfig, ringOf: Map<number, number>, add: Add): Map<number, number> {
  const barrierOf = new Map<number, number>();
  cfg.barriers.forEach((barrier, b) => {
    barrier.forEach((id, k) => {
      if (!ringOf.has(id)) add(`barriers[${b}][${k}]`, `phase ${id} is not in any ring`);
      if (barrierOf.has(id)) add(`barriers[${b}][${k}]`, `phase ${id} is in more than one barrier`);
      barrierOf.set(id, b);
    });
  });
  for (const id of ringOf.keys()) {
    if (!barrierOf.has(id)) add('barriers', `phase ${id} is in no barrier`);
  }
  return barrierOf;
}

/** The matrix must equal ring/barrier concurrency: same barrier, different ring ⇔ compatible. */
function checkMatrix(
  cfg: ParsedConfig,
  byId: Map<number, PhaseConfig>,
  ringOf: Map<number, number>,
  barrierOf: Map<number, number>,
  add: Add,
): void {
  const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
  const declared = new Set<string>();
  cfg.compatible.forEach(([a, b], k) => {
    const at = `compatible[${k}]`;
    if (!byId.has(a) || !byId.has(b)) {
      add(at, `pair [${a}, ${b}] names an undefined phase`);
      return;
    }
    if (a === b) {
      add(at, `phase ${a} cannot be paired with itself`);
      return;
    }
    declared.add(key(a, b));
    const ra = ringOf.get(a);
    const rb = ringOf.get(b);
    if (ra !== undefined && ra === rb)
      add(at, `phases ${a} and ${b} are both in ring ${ra + 1} and would be green together`);
    else if (barrierOf.get(a) !== barrierOf.get(b) && ra !== undefined && rb !== undefined)
      add(at, `phases ${a} and ${b} are on opposite sides of a barrier`);
  });
  const ids = [...ringOf.keys()];
  for (const a of ids)
    for (const b of ids) {
      if (a >= b || ringOf.get(a) === ringOf.get(b) || barrierOf.get(a) !== barrierOf.get(b)) continue;
      if (!declared.has(key(a, b)))
        add(
          `barriers[${barrierOf.get(a)}]`,
          `phases ${a} and ${b} run concurrently under ring/barrier but compatible lacks [${a}, ${b}]`,
        );
    }
}

function checkPhase(
  p: PhaseConfig,
  at: string,
  byId: Map<number, PhaseConfig>,
  ringOf: Map<number, number>,
  add: Add,
) {
  checkChangeInterval(p, at, add);
  if (p.maxGreenS < p.minGreenS) add(`${at}.maxGreenS`, `${p.maxGreenS} is below minGreenS ${p.minGreenS}`);
  if (p.maxGreen2S !== undefined && p.maxGreen2S < p.minGreenS)
    add(`${at}.maxGreen2S`, `${p.maxGreen2S} is below minGreenS ${p.minGreenS}`);
  if (p.maxGreenBoundsS && p.maxGreenBoundsS[0] > p.maxGreenBoundsS[1])
    add(`${at}.maxGreenBoundsS`, 'lower bound exceeds upper bound');
  if (p.maxGreenBoundsS && p.maxGreenBoundsS[0] < p.minGreenS)
    add(`${at}.maxGreenBoundsS`, `lower bound ${p.maxGreenBoundsS[0]} is below minGreenS ${p.minGreenS}`);
  if ((p.pedWalkS === undefined) !== (p.pedClearanceS === undefined))
    add(
      `${at}.${p.pedWalkS === undefined ? 'pedWalkS' : 'pedClearanceS'}`,
      'ped walk and ped clearance go together',
    );
  if (p.recall === 'ped' && p.pedWalkS === undefined) add(`${at}.recall`, 'ped recall needs pedWalkS');
  if (p.leftTurnMode && p.movement !== 'left')
    add(`${at}.leftTurnMode`, 'only a left-turn movement has a mode');
  if (p.leftTurnMode && p.leftTurnMode !== 'protected') {
    const q = p.opposingThroughPhase;
    if (q === undefined)
      add(`${at}.opposingThroughPhase`, `required for ${p.leftTurnMode} lefts (drives the FYA)`);
    else if (!byId.has(q) || !ringOf.has(q))
      add(`${at}.opposingThroughPhase`, `phase ${q} is not a timed phase`);
  }
  if (isPermissiveOnly(p) && p.recall !== 'none') add(`${at}.recall`, 'a permissive-only left is not timed');
}

function checkChangeInterval(p: PhaseConfig, at: string, add: Add): void {
  const ite = p.approachSpeedKmh !== undefined ? iteYellowS(p.approachSpeedKmh, p.gradePercent) : undefined;
  if (p.yellowS === undefined && ite === undefined)
    add(`${at}.yellowS`, 'missing: give yellowS or approachSpeedKmh for the ITE formula');
  if (p.yellowS !== undefined) {
    if (p.yellowS < YELLOW_MIN_S) add(`${at}.yellowS`, `${p.yellowS} is below ${YELLOW_MIN_S} s`);
    if (p.yellowS > YELLOW_MAX_S) add(`${at}.yellowS`, `${p.yellowS} is above ${YELLOW_MAX_S} s`);
    if (ite !== undefined && p.yellowS + 1e-9 < Math.min(ite, YELLOW_MAX_S))
      add(`${at}.yellowS`, `${p.yellowS} is below the ITE change interval ${ite.toFixed(1)} s`);
  } else if (ite !== undefined && ite > YELLOW_MAX_S) {
    add(
      `${at}.approachSpeedKmh`,
      `ITE yellow ${ite.toFixed(1)} s exceeds ${YELLOW_MAX_S} s; add a dilemma-zone treatment`,
    );
  }
  if (p.redClearanceS > RED_CLEARANCE_MAX_S)
    add(`${at}.redClearanceS`, `${p.redClearanceS} is above ${RED_CLEARANCE_MAX_S} s`);
}

function checkDetectors(cfg: ParsedConfig, ringOf: Map<number, number>, add: Add): void {
  const ids = new Set<string>();
  const channels = new Set<number>();
  cfg.detectors.forEach((d, i) => {
    const at = `detectors[${i}]`;
    if (ids.has(d.id)) add(`${at}.id`, `detector ${d.id} is defined twice`);
    ids.add(d.id);
    const ch = d.channel ?? i + 1;
    if (channels.has(ch)) add(`${at}.channel`, `channel ${ch} is used twice`);
    channels.add(ch);
    for (const field of ['calls', 'extends'] as const)
      d[field].forEach((id, k) => {
        if (!ringOf.has(id)) add(`${at}.${field}[${k}]`, `phase ${id} is not a timed phase`);
      });
    if (d.setbackM !== undefined && d.kind !== 'advance')
      add(`${at}.setbackM`, 'only an advance loop has a setback (its gap is judged upstream)');
    if (d.setbackM !== undefined && !d.extends.length)
      add(`${at}.setbackM`, 'an advance loop with a setback must extend a phase (that is what it is for)');
    if (d.kind === 'count') {
      if (d.lane === undefined) add(`${at}.lane`, 'a count station needs its lane');
      if (d.direction === undefined) add(`${at}.direction`, 'a count station needs its direction');
    }
    if (d.kind === 'pedButton')
      d.calls.forEach((id, k) => {
        const p = cfg.phases.find((q) => q.id === id);
        if (p && p.pedWalkS === undefined) add(`${at}.calls[${k}]`, `phase ${id} has no ped timing`);
      });
  });
}

function checkPreemption(cfg: ParsedConfig, ringOf: Map<number, number>, add: Add): void {
  const compatible = new Set(cfg.compatible.map(([a, b]) => (a < b ? `${a}-${b}` : `${b}-${a}`)));
  const ok = (a: number, b: number) => a === b || compatible.has(a < b ? `${a}-${b}` : `${b}-${a}`);
  cfg.preemption.forEach((pre, i) => {
    for (const field of ['phases', 'exitPhases'] as const) {
      const list = pre[field];
      list.forEach((id, k) => {
        if (!ringOf.has(id)) add(`preemption[${i}].${field}[${k}]`, `phase ${id} is not a timed phase`);
        for (const other of list.slice(k + 1))
          if (!ok(id, other)) add(`preemption[${i}].${field}`, `phases ${id} and ${other} conflict`);
      });
    }
    if (pre.checkOutDetector && !cfg.detectors.some((d) => d.id === pre.checkOutDetector))
      add(`preemption[${i}].checkOutDetector`, `detector ${pre.checkOutDetector} is not defined`);
    if (pre.maxPresenceS < pre.dwellS) add(`preemption[${i}].maxPresenceS`, `below dwellS ${pre.dwellS}`);
  });
}
