/**
 * Load-switch lamps → head states. A three-aspect load switch shows at most one lamp: two lit
 * lamps (or a yellow on a ped head) is a wiring or driver fault, not a head state. Steady GPIO
 * levels cannot show flashing, so a yellow lit longer than the phase's yellow change interval is
 * read as the flasher's flashing yellow (flash mode, startup flash, FYA permissive).
 */
import type { IntersectionConfig, SignalGroup } from '../../controllers/signals/index.ts';
import type { LevelChange } from '../../core/ports/gpio-simulated.ts';
import { err, ok, type Result } from '../../core/ports/result.ts';

export type Lamp = 'red' | 'yellow' | 'green';
export const LAMPS: readonly Lamp[] = ['red', 'yellow', 'green'];

/** Output lines of one signal group, as `signals[].headOutputs` gives them. */
export type HeadLines = { red: number; yellow?: number; green?: number };

export interface HeadWiring {
  group: string;
  phase: number;
  display: SignalGroup['display'];
  yellowMs: number;
  lines: HeadLines;
}

/** What the decoder needs from a GPIO backend (SimulatedGpio offers it). */
export interface LampReader {
  level(line: number): 0 | 1;
  history(line: number): readonly LevelChange[];
}

/** The head a set of lit lamps shows, or the lamps lit together that no head shows (a lamp fault). */
export type Decoded = Result<string, Lamp[]>;

/** A yellow held this much beyond the yellow interval is the flasher, not a clearance. */
const FLASH_MARGIN_MS = 1000;

export function wiringFor(cfg: IntersectionConfig, headOutputs: Record<string, HeadLines>): HeadWiring[] {
  return cfg.signalGroups.flatMap((g) => {
    const lines = headOutputs[g.name];
    const phase = cfg.phases.find((p) => p.id === g.phase);
    if (!lines) return [];
    return [{ group: g.name, phase: g.phase, display: g.display, yellowMs: phase?.yellowMs ?? 3000, lines }];
  });
}

export function litLamps(w: HeadWiring, gpio: LampReader): Lamp[] {
  return LAMPS.filter((l) => w.lines[l] !== undefined && gpio.level(w.lines[l]) === 1);
}

export function decodeHead(w: HeadWiring, gpio: LampReader, nowMs: number): Decoded {
  const lit = litLamps(w, gpio);
  if (lit.length > 1) return err(lit);
  const lamp = lit[0];
  if (lamp === undefined) return ok('dark');
  if (w.display === 'ped') {
    if (lamp === 'yellow') return err(lit);
    return ok(lamp === 'green' ? 'walk' : 'dontWalk');
  }
  if (lamp === 'red') return ok('red');
  if (lamp === 'green') return ok(w.display === 'ball' ? 'green' : 'greenArrow');
  const since = w.lines.yellow === undefined ? nowMs : litSince(gpio.history(w.lines.yellow), nowMs);
  if (nowMs - since <= w.yellowMs + FLASH_MARGIN_MS) return ok('yellow');
  return ok(w.display === 'fya' ? 'flashingYellowArrow' : 'flashingYellow');
}

function litSince(history: readonly LevelChange[], nowMs: number): number {
  const last = history.at(-1);
  return last?.level === 1 ? last.atMs : nowMs;
}

/** Level of a line at the end of instant `tMs`, from its change history (lines start at 0). */
export function levelAt(history: readonly LevelChange[], tMs: number): 0 | 1 {
  let level: 0 | 1 = 0;
  for (const c of history) {
    if (c.atMs > tMs) break;
    level = c.level;
  }
  return level;
}

/** The lamp a reported (contract) head state lights, as the agent's load-switch mapping does. */
export function lampOfReported(head: string): Lamp | null {
  if (head === 'dark') return null;
  if (head.startsWith('green') || head === 'walk') return 'green';
  if (head.toLowerCase().includes('yellow')) return 'yellow';
  return 'red';
}

export interface GreenConflict {
  atMs: number;
  groups: [string, string];
}

/**
 * Replays every green-lamp change on the outputs in time order and reports each instant at which
 * two incompatible groups show green together (checked after all changes of that instant).
 */
export function greenConflicts(
  wiring: readonly HeadWiring[],
  gpio: LampReader,
  compatible: (a: number, b: number) => boolean,
): GreenConflict[] {
  const greens = wiring.filter((w) => w.lines.green !== undefined);
  const changes = greens
    .flatMap((w) => gpio.history(w.lines.green!).map((c) => ({ w, ...c })))
    .sort((a, b) => a.atMs - b.atMs);
  const on = new Map<HeadWiring, number>();
  const out: GreenConflict[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    on.set(c.w, c.level);
    if (changes[i + 1]?.atMs === c.atMs) continue;
    const lit = greens.filter((w) => on.get(w) === 1);
    for (const [j, a] of lit.entries())
      for (const b of lit.slice(j + 1))
        if (!compatible(a.phase, b.phase)) out.push({ atMs: c.atMs, groups: [a.group, b.group] });
  }
  return out;
}
