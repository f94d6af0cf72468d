/**
 * A SignalPlant over a running agent's simulated GPIO: the microsimulator's detector edges become
 * loop-amplifier levels on the agent's input lines, and the heads it sees are decoded from the
 * agent's load-switch output lines. EV priority goes through the agent's command path (MQTT).
 * Inputs are queued with their simulated instant and replayed by `sync`, which advances the
 * agent's clock with them, so the agent's debounce and controller timers run in the same time.
 */
import type { IntersectionConfig, IntersectionController } from '../../controllers/signals/index.ts';
import type { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import type { PriorityRequest, SignalPlant } from '../traffic/types.ts';
import type { AgentLink, CommandOutcome } from './agent-link.ts';
import {
  decodeHead,
  type HeadLines,
  type HeadWiring,
  type Lamp,
  lampOfReported,
  litLamps,
  wiringFor,
} from './lamps.ts';
import { settle, type VirtualClock } from './virtual-clock.ts';

export interface AgentPlantOptions {
  gpio: SimulatedGpio;
  /** The agent's clock; `sync` brings it up to the microsimulator's time. */
  clock: VirtualClock;
  simNow: () => number;
  intersection: IntersectionConfig;
  /** The agent's `signals[].detectorInputs`. */
  detectorInputs: Record<string, number>;
  /** Field wiring the harness reads lamps from; normally the agent's `signals[].headOutputs`. */
  headOutputs: Record<string, HeadLines>;
  /** Input lines whose loop amplifier pulls low when occupied. */
  activeLowInputs?: ReadonlySet<number>;
  link: AgentLink;
  /**
   * The agent's own controller: feeds detectors and reports groups not wired to GPIO (the
   * cabinet's own bay), and is the reference the lamps are checked against for lag.
   */
  controller?: IntersectionController;
}

export interface LampFault {
  group: string;
  atMs: number;
  lit: Lamp[];
}

export interface AgentPlantStats {
  detectorEdges: { gpio: number; inProcess: number; dropped: number };
  commands: Record<string, number>;
  /** Head reads per source: decoded from lamps, taken from the controller, or faulted. */
  headReads: { gpio: number; inProcess: number; fault: number };
  /** Lamps showing another aspect than the agent's controller, after the event loop settled. */
  lampLag: { episodes: number; maxMs: number; open: Record<string, number> };
}

export interface AgentPlant extends SignalPlant {
  /** Replays queued inputs in time order and advances the agent's clock to the simulator's time. */
  sync(): Promise<void>;
  stats(): AgentPlantStats;
  lampFaults(): readonly LampFault[];
  wiring(): readonly HeadWiring[];
}

interface Queued {
  atMs: number;
  run: () => void | Promise<void>;
}

export function agentPlant(o: AgentPlantOptions): AgentPlant {
  const wiring = wiringFor(o.intersection, o.headOutputs);
  const xid = o.intersection.id.toLowerCase();
  const queue: Queued[] = [];
  const faults: LampFault[] = [];
  const faulted = new Set<string>();
  const stats: AgentPlantStats = {
    detectorEdges: { gpio: 0, inProcess: 0, dropped: 0 },
    commands: {},
    headReads: { gpio: 0, inProcess: 0, fault: 0 },
    lampLag: { episodes: 0, maxMs: 0, open: {} },
  };
  const lag = lagTracker(stats.lampLag, () => o.clock.now());
  const later = (run: Queued['run']) => queue.push({ atMs: o.simNow(), run });
  const command = (p: Promise<CommandOutcome>) =>
    p.then((r) => {
      const key = r.code ?? r.status;
      stats.commands[key] = (stats.commands[key] ?? 0) + 1;
    });

  const detector = (id: string, on: boolean) => {
    const line = o.detectorInputs[id];
    if (line !== undefined) {
      stats.detectorEdges.gpio += 1;
      const active = o.activeLowInputs?.has(line) ?? false;
      later(() => o.gpio.drive(line, on !== active ? 1 : 0));
    } else if (o.controller) {
      stats.detectorEdges.inProcess += 1;
      later(() => void o.controller?.detector(id, on));
    } else stats.detectorEdges.dropped += 1;
  };

  const readHead = (w: HeadWiring): string => {
    const d = decodeHead(w, o.gpio, o.clock.now());
    if (d.ok) {
      faulted.delete(w.group);
      stats.headReads.gpio += 1;
      return d.value;
    }
    stats.headReads.fault += 1;
    if (!faulted.has(w.group)) faults.push({ group: w.group, atMs: o.clock.now(), lit: d.error });
    faulted.add(w.group);
    return 'fault'; // the microsimulator treats an unknown display as stop
  };

  return {
    start: () => {},
    stop: () => {},
    detector,
    requestPriority: (req: PriorityRequest) =>
      later(() =>
        command(
          o.link.send('priority.request', {
            intersection: xid,
            vehicleId: req.vehicleId,
            approach: req.approach,
            etaTs: Math.round(o.clock.epochAtZeroMs + req.etaMs),
          }),
        ),
      ),
    checkOut: (vehicleId) =>
      later(() => command(o.link.send('priority.cancel', { intersection: xid, vehicleId }))),
    heads() {
      const out: Record<string, string> = {};
      const reported = o.controller?.heads() ?? {};
      for (const g of o.intersection.signalGroups) {
        const w = wiring.find((x) => x.group === g.name);
        const fromCtl = reported[g.name];
        if (w) {
          out[g.name] = readHead(w);
          if (fromCtl !== undefined) lag(g.name, litLamps(w, o.gpio), lampOfReported(fromCtl));
        } else if (fromCtl !== undefined) {
          stats.headReads.inProcess += 1;
          out[g.name] = fromCtl;
        }
      }
      return out;
    },
    async sync() {
      const due = queue.splice(0).sort((a, b) => a.atMs - b.atMs);
      for (const q of due) {
        await o.clock.advanceTo(q.atMs);
        await q.run();
        await settle(); // a 0 ms debounce reacts at once: let its lamp writes land
      }
      await o.clock.advanceTo(o.simNow());
    },
    stats: () => structuredClone(stats),
    lampFaults: () => faults,
    wiring: () => wiring,
  };
}

/** Tracks, per group, spans where the lamps differ from what the controller displays. */
function lagTracker(acc: AgentPlantStats['lampLag'], now: () => number) {
  return (group: string, lit: Lamp[], want: Lamp | null) => {
    const same = want === null ? lit.length === 0 : lit.length === 1 && lit[0] === want;
    const since = acc.open[group];
    if (!same && since === undefined) {
      acc.episodes += 1;
      acc.open[group] = now();
    } else if (since !== undefined) {
      acc.maxMs = Math.max(acc.maxMs, now() - since);
      if (same) delete acc.open[group];
    }
  };
}
