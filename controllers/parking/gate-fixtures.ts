/** Shared fixtures for the barrier-machine tests: every event the lane can see, and a replayer. */
import { type AnyMachineSnapshot, SimulatedClock, createActor } from 'xstate';
import { type GateEmitted, type GateEvent, type GateInput, gateMachine } from './gate-machine.ts';

export const gateInput = (patch: Partial<GateInput> = {}): GateInput => ({
  laneId: 'L1',
  fallback: 'wait',
  faultMode: 'open',
  powerLossMode: 'hold',
  identifyTimeoutMs: 5000,
  travelTimeoutMs: 6000,
  maxOpenMs: 30000,
  ...patch,
});

const meta = { who: 'op', why: 'test' };
const onOff = [true, false];

/** Delayed transitions as graph events; replay turns them into clock increments. */
export const timeEvents = [
  'identifyTimeout.gate.identifying',
  'travelTimeout.gate.opening',
  'travelTimeout.gate.closing',
  'maxOpen.gate.open',
].map((t) => ({ type: `xstate.after.${t}` }));

export const inputEvents: GateEvent[] = [
  ...onOff.map((on) => ({ type: 'loop.arming' as const, on })),
  ...onOff.map((on) => ({ type: 'loop.safety' as const, on })),
  ...onOff.map((on) => ({ type: 'limit.open' as const, on })),
  ...onOff.map((on) => ({ type: 'limit.closed' as const, on })),
  { type: 'decision.open' },
  { type: 'decision.deny' },
  { type: 'decision.review' },
  { type: 'operator.open', ...meta },
  { type: 'operator.close', ...meta },
  { type: 'operator.reset', ...meta },
  { type: 'power.lost' },
  { type: 'power.restored' },
];

/** Graph state key: counters capped where guards stop distinguishing them (keeps the graph finite). */
export function serializeGate(s: AnyMachineSnapshot): string {
  const c = s.context as Record<string, unknown>;
  const cap = (n: unknown, max: number) => Math.min(Number(n), max);
  return JSON.stringify([
    s.value,
    c.armingOccupied,
    c.safetyOccupied,
    c.limitOpen,
    c.limitClosed,
    cap(c.passes, 2),
    cap(c.armingRises, 1),
    c.faultReason,
  ]);
}

export interface Replay {
  states: string[];
  emitted: GateEmitted[];
  /** barrier.lower commands issued while the safety input was occupied (must stay empty). */
  unsafeLowers: number;
}

/** Drive a real actor on a SimulatedClock through a sequence of graph events. */
export function replay(events: Array<{ type: string }>, input = gateInput()): Replay {
  const clock = new SimulatedClock();
  const actor = createActor(gateMachine, { clock, input });
  const out: Replay = { states: [], emitted: [], unsafeLowers: 0 };
  let safety = false;
  actor.on('*', (e) => {
    out.emitted.push(e);
    if (e.type === 'barrier.lower' && safety) out.unsafeLowers++;
  });
  actor.start();
  for (const ev of events) {
    if (ev.type === 'xstate.init') continue;
    const delay = /^xstate\.after\.(\w+)\./.exec(ev.type)?.[1];
    if (delay) {
      const ms =
        delay === 'identifyTimeout'
          ? input.identifyTimeoutMs
          : delay === 'maxOpen'
            ? input.maxOpenMs
            : input.travelTimeoutMs;
      clock.increment(ms);
    } else {
      if (ev.type === 'loop.safety') safety = (ev as unknown as { on: boolean }).on;
      actor.send(ev as GateEvent);
    }
    out.states.push(String(actor.getSnapshot().value));
  }
  actor.stop();
  return out;
}
