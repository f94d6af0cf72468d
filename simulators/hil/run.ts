/**
 * Hardware-in-the-loop run: the built-in microsimulator drives a REAL edge agent — detector edges
 * on its GPIO inputs, heads read back from its load-switch outputs, EV priority over its MQTT
 * command path — with the agent and the simulator on one virtual clock.
 */
import { isCompatible } from '../../controllers/signals/index.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import type { Result } from '../../core/ports/result.ts';
import { createMicrosim, type Microsim } from '../traffic/microsim.ts';
import type { SimRecords } from '../traffic/records.ts';
import type { AgentLink } from './agent-link.ts';
import { type AgentPlant, type AgentPlantStats, agentPlant, type LampFault } from './agent-plant.ts';
import { checkReportedHeads, type HeadsCheck, type PhaseFigures, phaseFigures } from './figures.ts';
import { type GreenConflict, greenConflicts } from './lamps.ts';
import { type HilError, type HilOptions, hilError, type Session, startSession } from './session.ts';
import { simTime, VirtualClock } from './virtual-clock.ts';

export type { HilError, HilOptions };

export interface HilResult {
  records: SimRecords;
  counts: { generated: number; departed: number; inSystem: number };
  /** Signal groups still holding vehicles when the run ended (drain limit reached). */
  stuck: { group: string; vehicles: number }[];
  /** Simulated seconds run (demand period plus drain) and the wall time it took. */
  simS: number;
  wallMs: number;
  agent: {
    lampFaults: readonly LampFault[];
    greenConflicts: GreenConflict[];
    heads: HeadsCheck;
    phases: PhaseFigures[];
    plant: AgentPlantStats;
    /** The agent's own counted errors (rejected detectors, queue failures …). */
    errors: Record<string, number>;
  };
}

const MAX_STEP_MS = 100;

export async function runMicrosimAgainstAgent(opts: HilOptions): Promise<Result<HilResult, HilError>> {
  const stepMs = opts.stepMs ?? MAX_STEP_MS;
  // Longer steps would let a detector pulse slip through the agent's debounce unseen.
  if (stepMs > MAX_STEP_MS || stepMs <= 0)
    return hilError('HIL_BAD_OPTIONS', `stepMs must be in (0, ${MAX_STEP_MS}]`);
  // Realtime runs (the demo city) stamp messages with today's time; virtual runs with a fixed epoch.
  const clock = opts.pace === 'realtime' ? new VirtualClock(opts.startMs ?? Date.now()) : new VirtualClock();
  // 1024 lines: the schema allows expander lines up to 1023.
  const gpio = new SimulatedGpio(clock, 1024);
  const session = await startSession(opts, clock, gpio);
  if (!session.ok) return session;
  try {
    return await drive(opts, session.value, clock, gpio, stepMs);
  } finally {
    await session.value.stop();
  }
}

async function drive(
  opts: HilOptions,
  s: Session,
  clock: VirtualClock,
  gpio: SimulatedGpio,
  stepMs: number,
): Promise<Result<HilResult, HilError>> {
  const sim = simTime();
  const plant = agentPlant({
    gpio,
    clock,
    simNow: sim.now,
    intersection: s.intersection,
    detectorInputs: s.signals.detectorInputs,
    headOutputs: opts.fieldWiring ?? s.signals.headOutputs,
    activeLowInputs: new Set(opts.activeLowInputs ?? []),
    link: s.link,
    ...(s.controller ? { controller: s.controller } : {}),
  });
  const micro = createMicrosim(
    {
      layout: s.layout,
      demand: opts.demand,
      seed: opts.seed,
      durationS: opts.durationS,
      stepMs,
      ...(opts.emergencies ? { emergencies: opts.emergencies } : {}),
      ...(opts.warmupS === undefined ? {} : { warmupS: opts.warmupS }),
    },
    sim,
    plant,
  );
  if (!micro.ok) return { ok: false, error: micro.error };
  const m = micro.value;
  const t0 = performance.now();
  const pace = pacer(opts, t0, sim.now);
  const busy = () => {
    const c = m.counts();
    return c.inSystem > 0 || c.entered < c.generated;
  };
  const limitMs = (opts.durationS + (opts.maxDrainS ?? 900)) * 1000;
  const running = () => !opts.signal?.aborted;
  while (running() && (sim.now() < opts.durationS * 1000 || (busy() && sim.now() < limitMs))) {
    m.step();
    await plant.sync();
    await pace();
  }
  const wallMs = performance.now() - t0;
  await s.flush();
  return { ok: true, value: result(m, plant, s.link, s, gpio, clock, sim.now() / 1000, wallMs) };
}

/** Realtime pace waits for wall time × speed to catch up with simulated time; virtual never waits. */
function pacer(opts: HilOptions, t0: number, simNow: () => number): () => Promise<void> {
  if (opts.pace !== 'realtime') return async () => {};
  const speed = opts.speed ?? 1;
  return async () => {
    const ahead = t0 + simNow() / speed - performance.now();
    if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
  };
}

function result(
  m: Microsim,
  plant: AgentPlant,
  link: AgentLink,
  s: Session,
  gpio: SimulatedGpio,
  clock: VirtualClock,
  simS: number,
  wallMs: number,
): HilResult {
  const c = m.counts();
  const wiring = plant.wiring();
  return {
    records: m.records(),
    counts: { generated: c.generated, departed: c.departed, inSystem: c.inSystem },
    stuck: stuckGroups(m),
    simS,
    wallMs,
    agent: {
      lampFaults: plant.lampFaults(),
      greenConflicts: greenConflicts(wiring, gpio, (a, b) => isCompatible(s.intersection, a, b)),
      heads: checkReportedHeads(link.heads(), wiring, gpio, clock.epochAtZeroMs),
      phases: phaseFigures(link.cycles()),
      plant: plant.stats(),
      errors: s.agent.errors(),
    },
  };
}

function stuckGroups(m: Microsim): HilResult['stuck'] {
  const by = new Map<string, number>();
  for (const l of m.lanes()) {
    const n = l.vehs.length - l.head + l.evs.length;
    if (n > 0) by.set(l.group.signalGroup, (by.get(l.group.signalGroup) ?? 0) + n);
  }
  return [...by].map(([group, vehicles]) => ({ group, vehicles }));
}
