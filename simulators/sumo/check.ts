/**
 * Offline check of an intersection binding against the SUMO network it claims to drive
 * (`cityedge signals check FILE --net NET.xml [--additional DET.xml]`). Every problem is a
 * FieldIssue whose path points into the intersection file.
 */
import {
  ceilTenth,
  iteRedClearanceS,
  iteYellowS,
  YELLOW_MAX_S,
} from '../../controllers/signals/config-checks.ts';
import { type IntersectionConfig, isCompatible } from '../../controllers/signals/config.ts';
import type { FieldIssue } from '../../controllers/signals/errors.ts';
import type { IntersectionBinding } from './mapping.ts';
import { type NetDetector, type NetLink, type NetTls, type SumoNet, toStopLineM } from './net.ts';

/** A stop-bar detector must reach to within this of the stop line. */
export const STOP_BAR_MAX_SETBACK_M = 10;
/** An advance loop must sit at least this far upstream (else it is a stop-bar loop). */
export const ADVANCE_MIN_SETBACK_M = 15;

type Add = (path: string, message: string) => void;

export function checkAgainstNet(
  b: IntersectionBinding,
  net: SumoNet,
  detectors?: readonly NetDetector[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add: Add = (path, message) => issues.push({ path, message });
  const tls = net.tls.get(b.mapping.tls);
  if (!tls) {
    add(
      'sumo.tls',
      `no traffic light "${b.mapping.tls}" in the network (has: ${[...net.tls.keys()].join(', ')})`,
    );
    return issues;
  }
  const groupOfLink = checkLinks(b, tls, add);
  checkConflicts(b.config, tls, groupOfLink, add);
  checkPermissive(b, tls, add);
  checkClearances(b, tls, add);
  checkDetectors(b, net, tls, detectors, add);
  const edges = new Set([...net.lanes.values()].map((l) => l.edge));
  for (const edge of Object.keys(b.mapping.approaches))
    if (!edges.has(edge)) add(`sumo.approaches.${edge}`, `no edge "${edge}" in the network`);
  return issues;
}

const dirName = (d: string) =>
  ({ s: 'through', l: 'left', r: 'right', t: 'U-turn', L: 'partial left', R: 'partial right' })[d] ?? d;
const linkText = (l: NetLink) => `link ${l.index} (${l.fromLane} → ${l.toEdge}, ${dirName(l.dir)})`;

/** Every TLS link index driven exactly once, and only indices the TLS has. */
function checkLinks(b: IntersectionBinding, tls: NetTls, add: Add): Map<number, string> {
  const groupOfLink = new Map<number, string>();
  const count = tls.links.length;
  for (const [group, links] of Object.entries(b.mapping.signalGroups))
    links.forEach((i, k) => {
      if (i >= count)
        add(`sumo.signalGroups.${group}[${k}]`, `link ${i} does not exist: TLS ${tls.id} has ${count}`);
      else groupOfLink.set(i, group);
    });
  for (const l of tls.links)
    if (!groupOfLink.has(l.index))
      add(
        'sumo.signalGroups',
        `${linkText(l)} is driven by no signal group: that movement would never get green`,
      );
  return groupOfLink;
}

interface Window {
  /** Phase whose green shows this link green. */
  readonly phase: number;
  /** 'G' has right of way; 'g' must yield (flashing yellow arrow). */
  readonly char: 'G' | 'g';
}

/** When a signal group's links show green: its own (timed) phase, and the FYA during the opposing through. */
function windows(c: IntersectionConfig, group: string): Window[] {
  const g = c.signalGroups.find((s) => s.name === group);
  const p = g && c.phases.find((q) => q.id === g.phase);
  if (!p) return [];
  const out: Window[] = p.timed ? [{ phase: p.id, char: 'G' }] : [];
  if (p.leftTurnMode && p.leftTurnMode !== 'protected' && p.opposingThroughPhase !== undefined)
    out.push({ phase: p.opposingThroughPhase, char: 'g' });
  return out;
}

/** A through and a link that crosses it (SUMO's foe matrix) may never both have right of way at once. */
function checkConflicts(
  c: IntersectionConfig,
  tls: NetTls,
  groupOfLink: Map<number, string>,
  add: Add,
): void {
  const reported = new Set<string>();
  for (const x of tls.links)
    for (const j of tls.foes.get(x.index) ?? []) {
      const y = tls.links[j];
      // A through crossing anything is a real conflict; opposing lefts (or a left and a merging
      // right) that SUMO's wide-junction geometry makes touch are resolved at its internal
      // waiting point and run together in SUMO's own programs too.
      if (!y || j <= x.index || (x.dir !== 's' && y.dir !== 's')) continue;
      // Name the turning link first: it is the one whose signal group is wrong.
      const [a, bLink] = x.dir === 's' && y.dir !== 's' ? [y, x] : [x, y];
      const ga = groupOfLink.get(a.index);
      const gb = groupOfLink.get(bLink.index);
      if (!ga || !gb) continue;
      const clash = windows(c, ga).some(
        (wa) =>
          wa.char === 'G' &&
          windows(c, gb).some((wb) => wb.char === 'G' && isCompatible(c, wa.phase, wb.phase)),
      );
      const key = `${ga}|${gb}`;
      if (!clash || reported.has(key)) continue;
      reported.add(key);
      add(
        `sumo.signalGroups.${ga}`,
        `${linkText(a)} and ${linkText(bLink)} of ${gb} cross and would both have right of way; a turn that must yield needs its own permissive (FYA) phase`,
      );
    }
}

/** A permissive or protected-permissive left must yield to a through movement that actually crosses it. */
function checkPermissive(b: IntersectionBinding, tls: NetTls, add: Add): void {
  const c = b.config;
  c.phases.forEach((p, i) => {
    if (!p.leftTurnMode || p.leftTurnMode === 'protected' || p.opposingThroughPhase === undefined) return;
    const own = linksOfPhase(b, tls, p.id);
    const opposing = linksOfPhase(b, tls, p.opposingThroughPhase);
    const crossed = own.some((l) =>
      opposing.some((o) => o.dir === 's' && (tls.foes.get(l.index)?.has(o.index) ?? false)),
    );
    if (own.length && !crossed)
      add(
        `phases[${i}].opposingThroughPhase`,
        `phase ${p.opposingThroughPhase} drives no through movement that crosses ${p.name}'s turn: the FYA would yield to nothing`,
      );
  });
}

function linksOfPhase(b: IntersectionBinding, tls: NetTls, phase: number): NetLink[] {
  const groups = b.config.signalGroups
    .filter((g) => g.phase === phase && g.kind === 'vehicle')
    .map((g) => g.name);
  const idx = groups.flatMap((g) => b.mapping.signalGroups[g] ?? []);
  return idx.map((i) => tls.links[i]).filter((l): l is NetLink => l !== undefined);
}

/** Yellow ≥ ITE for the approach speed; red clearance ≥ ITE (W + L) / v over the phase's crossings. */
function checkClearances(b: IntersectionBinding, tls: NetTls, add: Add): void {
  b.config.phases.forEach((p, i) => {
    const links = linksOfPhase(b, tls, p.id);
    if (!p.timed || links.length === 0) return;
    const kmh = Math.max(...links.map((l) => l.approachSpeedMps)) * 3.6;
    const yellow = Math.min(ceilTenth(iteYellowS(kmh)), YELLOW_MAX_S);
    if (p.yellowMs / 1000 + 1e-9 < yellow)
      add(
        `phases[${i}].yellowS`,
        `${p.yellowMs / 1000} s is below the ITE change interval ${yellow} s for ${kmh.toFixed(0)} km/h`,
      );
    const crossing = Math.max(
      0,
      ...links.filter((l) => l.dir !== 'r' && l.dir !== 'R').map((l) => l.crossingM),
    );
    const red = ceilTenth(iteRedClearanceS(crossing, kmh));
    if (crossing > 0 && p.redClearanceMs / 1000 + 1e-9 < red)
      add(
        `phases[${i}].redClearanceS`,
        `${p.redClearanceMs / 1000} s is below the ITE red clearance ${red} s ((${crossing.toFixed(1)} m crossing + 6.1 m) / ${kmh.toFixed(0)} km/h)`,
      );
  });
}

function checkDetectors(
  b: IntersectionBinding,
  net: SumoNet,
  tls: NetTls,
  declared: readonly NetDetector[] | undefined,
  add: Add,
): void {
  const byId = new Map((declared ?? []).map((d) => [d.id, d]));
  for (const [ctlId, list] of Object.entries(b.mapping.detectors)) {
    const ctl = b.config.detectors.find((d) => d.id === ctlId);
    list.forEach((d, k) => {
      const at = `sumo.detectors.${ctlId}[${k}]`;
      const lane = net.lanes.get(d.lane);
      if (!lane) {
        add(`${at}.lane`, `no lane "${d.lane}" in the network`);
        return;
      }
      if (ctl && (ctl.kind === 'stopBar' || ctl.kind === 'queue') && ctl.calls.length) {
        const fed = ctl.calls.some((ph) => linksOfPhase(b, tls, ph).some((l) => l.fromLane === d.lane));
        if (!fed)
          add(
            `${at}.lane`,
            `lane ${d.lane} feeds no link of phase(s) ${ctl.calls.join(', ')} that ${ctlId} calls`,
          );
      }
      if (!declared) return;
      const real = byId.get(d.id);
      if (!real) {
        add(`${at}.id`, `no detector "${d.id}" in the additional files`);
        return;
      }
      if (real.kind !== d.kind) add(`${at}.kind`, `"${d.id}" is a ${real.kind} in SUMO, declared ${d.kind}`);
      if (real.lane !== d.lane) add(`${at}.lane`, `"${d.id}" is on lane ${real.lane}, declared ${d.lane}`);
      const setback = lane.lengthM - real.endPosM;
      if (ctl?.kind === 'stopBar' && real.lane === d.lane && setback > STOP_BAR_MAX_SETBACK_M)
        add(
          `${at}.id`,
          `stop-bar detector "${d.id}" ends ${setback.toFixed(0)} m before the stop line (≤ ${STOP_BAR_MAX_SETBACK_M} m)`,
        );
      // An advance loop may sit on the lane feeding a short pocket section: measure to the stop line.
      const toStop = toStopLineM(net, tls, real.lane, real.endPosM);
      if (ctl?.kind === 'advance' && real.lane === d.lane && toStop < ADVANCE_MIN_SETBACK_M)
        add(
          `${at}.id`,
          `advance detector "${d.id}" is only ${toStop.toFixed(0)} m from the stop line (≥ ${ADVANCE_MIN_SETBACK_M} m)`,
        );
      if (ctl?.kind === 'advance' && ctl.setbackM !== undefined && Math.abs(toStop - ctl.setbackM) > 2)
        add(
          `detectors.${ctlId}.setbackM`,
          `${ctl.setbackM} m, but "${d.id}" is ${toStop.toFixed(0)} m from the stop line in the net`,
        );
    });
  }
}
