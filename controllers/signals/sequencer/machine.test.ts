/**
 * Path coverage of the sequencer with @xstate/graph. The graph refuses nothing here because delayed
 * transitions are modelled as events: from each snapshot we offer the `xstate.after.*` event of every
 * active timer alongside the external inputs. Each shortest path is then replayed on a real actor
 * (SimulatedClock) and every state node and every transition definition must have been exercised.
 */
import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import {
  type AnyStateNode,
  type AnyTransitionDefinition,
  createActor,
  type InspectionEvent,
  SimulatedClock,
} from 'xstate';
import { example, type Example } from '../test-helpers.ts';
import type { SequencerContext, SequencerEvent } from './context.ts';
import { createSequencerMachine } from './machine.ts';

type Snap = { value: unknown; context: SequencerContext; _nodes: AnyStateNode[] };

function inputs(name: Example): SequencerEvent[] {
  const cfg = example(name);
  const pre = cfg.preemption[0]!;
  const side = cfg.phases.find((p) => p.timed && p.barrier === 1)!.id;
  const active = {
    vehicleId: 'ev',
    preemptId: pre.id,
    phases: pre.phases,
    exitPhases: pre.exitPhases,
    dwellMs: pre.dwellMs,
    minDurationMs: pre.minDurationMs,
    preemptMinGreenMs: pre.preemptMinGreenMs,
    etaMs: 0,
    urgent: true,
    cleared: false,
  };
  const pedPhase = cfg.phases.find((p) => p.pedWalkMs !== undefined)?.id ?? 2;
  return [
    { type: 'detector.on', id: 'side', calls: [side], extends: [side], nonLocking: false },
    { type: 'detector.off', id: 'side' },
    { type: 'detector.on', id: 'main', calls: [2], extends: [2], nonLocking: true },
    { type: 'detector.off', id: 'main' },
    { type: 'ped.call', phase: pedPhase },
    { type: 'recall.fault', phase: side, on: true },
    { type: 'recall.fault', phase: side, on: false },
    { type: 'preempt.activate', preempt: active },
    { type: 'preempt.clear', vehicleId: 'ev' },
    { type: 'operator.flash' },
    { type: 'operator.resetFlash' },
    { type: 'operator.hold', phase: side },
    { type: 'operator.release' },
    { type: 'fault', reason: 'test' },
    { type: 'fault.reset' },
    { type: 'timing.apply', maxGreenMs: { 2: 20_000 } },
    { type: 'call.starved', phases: [side] },
    { type: 'call.starved', phases: [] },
    { type: 'left.modes', modes: { 1: 'permissive' } },
  ];
}

/** Timers of the active states, as the events XState sends itself when they expire. */
function timerEvents(s: Snap): SequencerEvent[] {
  return s._nodes.flatMap((n) => n.after.map((t) => ({ type: t.eventType }) as unknown as SequencerEvent));
}

/** Enough of the context to tell states apart without making the graph infinite. */
function digest(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.green,
    c.clearing,
    c.hold !== null,
    c.flashRequested,
    c.preempts.map((p) => p.cleared),
    c.calls.length + Object.keys(c.occupied).length > 0,
    c.pedCalls.length > 0,
    c.pedServing.length > 0,
  ]);
}

function allStateNodes(root: AnyStateNode): AnyStateNode[] {
  return [root, ...Object.values(root.states).flatMap((s) => allStateNodes(s))];
}

function allTransitions(nodes: AnyStateNode[]): AnyTransitionDefinition[] {
  return nodes.flatMap((n) => [...[...n.transitions.values()].flat(), ...(n.always ?? []), ...n.after]);
}

/**
 * Transitions a layout cannot take, with the reason. In the T-junction the only ped phase is the side
 * street, which never rests in green (the main road's soft recall always conflicts), so a ped recycle
 * cannot happen there; the peds layout covers it.
 */
const UNREACHABLE: Record<string, string[]> = {
  't-junction': ['signals.normal.green.ped.done --ped.call[pedRecyclable]-->'],
  'four-leg-permissive-peds': [],
};

describe.each(['t-junction', 'four-leg-permissive-peds'] as const)('sequencer paths (%s)', (name) => {
  const machine = createSequencerMachine(example(name));
  const events = inputs(name);
  const paths = getShortestPaths(machine, {
    events: (s) => [...events, ...timerEvents(s as unknown as Snap)],
    serializeState: (s) => digest(s as unknown as Snap),
    serializeEvent: (e) => JSON.stringify(e),
    limit: 60_000,
  });

  it('replays every shortest path on a SimulatedClock actor and covers every state node and transition', () => {
    expect(paths.length).toBeGreaterThan(100);
    const visited = new Set<string>();
    const taken = new Set<AnyTransitionDefinition>();
    const inspect = (ev: InspectionEvent) => {
      if (ev.type !== '@xstate.microstep') return;
      for (const t of ev._transitions) taken.add(t);
      // Transient states (selecting, check) exist only between microsteps.
      for (const n of (ev.snapshot as unknown as Snap)._nodes) visited.add(n.id);
    };
    const probed = new Set<string>();
    for (const path of paths) {
      const actor = createActor(machine, { clock: new SimulatedClock(), inspect });
      actor.start();
      for (const step of path.steps.slice(1)) actor.send(step.event);
      const end = actor.getSnapshot() as unknown as Snap;
      expect(digest(end)).toBe(digest(path.state as unknown as Snap));
      actor.stop();
      // From every distinct state, try every input once (also those that change nothing the digest sees).
      for (const event of [...events, ...timerEvents(end)]) {
        // One probe per (state value, stage, input) keeps this fast; guards see the rest of the context.
        const c = end.context;
        const key = JSON.stringify([
          end.value,
          c.green,
          c.clearing,
          c.flashRequested,
          c.preempts.length,
          event,
        ]);
        if (probed.has(key)) continue;
        probed.add(key);
        const probe = createActor(machine, { clock: new SimulatedClock(), snapshot: path.state, inspect });
        probe.start();
        probe.send(event);
        probe.stop();
      }
    }
    const states = allStateNodes(machine.root).map((n) => n.id);
    expect(states.filter((id) => !visited.has(id))).toEqual([]);
    const missing = allTransitions(allStateNodes(machine.root))
      .filter((t) => !taken.has(t))
      .map(
        (t) =>
          `${t.source.id} --${t.eventType}${t.guard ? `[${String((t.guard as { type?: string }).type ?? t.guard)}]` : ''}-->`,
      );
    expect(missing).toEqual(UNREACHABLE[name]);
  });
});
