import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { gateInput, inputEvents, replay, serializeGate, timeEvents } from './gate-fixtures.ts';
import { type GateEvent, gateMachine } from './gate-machine.ts';

const allEvents = [...inputEvents, ...timeEvents] as GateEvent[];

describe('barrier gate: graph paths replayed on a SimulatedClock', () => {
  const paths = getShortestPaths(gateMachine, {
    input: gateInput(),
    events: allEvents,
    serializeState: serializeGate,
  });

  it('reaches every state of the machine', () => {
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(
      [
        'closed',
        'closing',
        'denied',
        'faulted',
        'holding',
        'identifying',
        'open',
        'opening',
        'unpowered',
      ].sort(),
    );
  });

  it('every shortest path replays on a real actor to the same states, never lowering onto a vehicle', () => {
    expect(paths.length).toBeGreaterThan(100);
    for (const path of paths) {
      const r = replay(path.steps.map((s) => s.event));
      const expected = path.steps
        .filter((s) => (s.event.type as string) !== 'xstate.init')
        .map((s) => String(s.state.value));
      expect(r.states).toEqual(expected);
      expect(r.unsafeLowers).toBe(0);
    }
  });

  it('every simple path to closing raises before it lowers and never lowers onto a vehicle', () => {
    // A small alphabet keeps the simple-path enumeration to ~1,200 paths (< 1 s).
    const cycleEvents = inputEvents.filter(
      (e) => /^loop\./.test(e.type) || e.type === 'decision.open' || (e.type === 'limit.open' && e.on),
    );
    const simple = getSimplePaths(gateMachine, {
      input: gateInput(),
      events: cycleEvents,
      serializeState: (s) => {
        const c = s.context;
        return JSON.stringify([
          s.value,
          c.armingOccupied,
          c.safetyOccupied,
          c.limitOpen,
          Math.min(c.passes, 1),
        ]);
      },
      toState: (s) => s.value === 'closing',
    });
    expect(simple.length).toBeGreaterThan(500);
    for (const path of simple) {
      const r = replay(path.steps.map((s) => s.event));
      const kinds = r.emitted.map((e) => e.type).filter((t) => t.startsWith('barrier.'));
      expect(kinds[0]).toBe('barrier.raise');
      expect(kinds.at(-1)).toBe('barrier.lower');
      expect(r.unsafeLowers).toBe(0);
    }
  });
});

describe('barrier gate: behaviour', () => {
  const start = (patch = {}) => {
    const clock = new SimulatedClock();
    const actor = createActor(gateMachine, { clock, input: gateInput(patch) });
    const emitted: string[] = [];
    actor.on('*', (e) => emitted.push(e.type === 'vehicle.passed' ? `passed:${e.authorised}` : e.type));
    actor.start();
    const send = (...events: GateEvent[]) => {
      for (const e of events) actor.send(e);
    };
    const state = () => String(actor.getSnapshot().value);
    return { clock, actor, emitted, send, state };
  };
  const arm = { type: 'loop.arming', on: true } as const;
  const disarm = { type: 'loop.arming', on: false } as const;
  const safetyOn = { type: 'loop.safety', on: true } as const;
  const safetyOff = { type: 'loop.safety', on: false } as const;
  const upLimit = [
    { type: 'limit.closed', on: false },
    { type: 'limit.open', on: true },
  ] as const;
  const op = { who: 'ana', why: 'delivery truck' };

  it('full cycle: identify → open → vehicle passes → close', () => {
    const g = start();
    g.send(arm, { type: 'decision.open' }, ...upLimit, disarm, safetyOn);
    expect(g.state()).toBe('open');
    g.send(safetyOff);
    expect(g.state()).toBe('closing');
    g.send({ type: 'limit.open', on: false }, { type: 'limit.closed', on: true });
    expect(g.state()).toBe('closed');
    expect(g.emitted).toEqual([
      'light.off',
      'camera.trigger',
      'barrier.raise',
      'light.flash',
      'passed:true',
      'barrier.lower',
      'light.off',
    ]);
  });

  it('waits on the safety loop however long, then closes', () => {
    const g = start();
    g.send(arm, { type: 'decision.open' }, ...upLimit, safetyOn);
    g.clock.increment(120_000); // far beyond maxOpen: a stalled car under the boom
    expect(g.state()).toBe('open');
    expect(g.emitted).not.toContain('barrier.lower');
    g.send({ type: 'operator.close', ...op });
    expect(g.emitted).toContain('operator.refused');
    expect(g.state()).toBe('open');
    g.send(safetyOff);
    expect(g.state()).toBe('closing');
  });

  it('reverses when the safety input is occupied while closing', () => {
    const g = start();
    g.send(arm, { type: 'decision.open' }, ...upLimit, safetyOn, safetyOff);
    expect(g.state()).toBe('closing');
    g.send({ type: 'limit.open', on: false }, safetyOn);
    expect(g.state()).toBe('opening');
    expect(g.emitted.filter((e) => e === 'barrier.raise')).toHaveLength(2);
    expect(g.emitted).not.toContain('alarm.tailgate'); // a pedestrian: no vehicle on the arming loop
  });

  it('raises a tailgating alarm when a second vehicle follows through one opening', () => {
    const g = start();
    g.send(arm, { type: 'decision.open' }, ...upLimit, disarm, safetyOn, arm, safetyOff);
    expect(g.state()).toBe('closing');
    g.send({ type: 'limit.open', on: false }, safetyOn);
    expect(g.emitted).toContain('alarm.tailgate');
    expect(g.state()).toBe('opening'); // reversed for the follower
    g.send(disarm, safetyOff);
    expect(g.emitted.filter((e) => e.startsWith('passed'))).toEqual(['passed:true', 'passed:false']);
  });

  it('faults when the open limit is not reached in time, failing open when configured', () => {
    const g = start({ faultMode: 'open' });
    g.send(arm, { type: 'decision.open' });
    g.clock.increment(5999);
    expect(g.state()).toBe('opening');
    g.clock.increment(2);
    expect(g.state()).toBe('faulted');
    expect(g.actor.getSnapshot().context.faultReason).toBe('open-limit-timeout');
    expect(g.emitted.filter((e) => e === 'barrier.raise')).toHaveLength(2);
  });

  it('faults when the closed limit is not reached and holds when configured', () => {
    const g = start({ faultMode: 'hold' });
    g.send(arm, { type: 'decision.open' }, ...upLimit, disarm, safetyOn, safetyOff);
    g.clock.increment(6001);
    expect(g.state()).toBe('faulted');
    expect(g.actor.getSnapshot().context.faultReason).toBe('closed-limit-timeout');
    expect(g.emitted.slice(-2)).toEqual(['barrier.lower', 'gate.fault']);
    g.send({ type: 'operator.reset', ...op });
    expect(g.state()).toBe('closing');
  });

  it('identify timeout applies the lane fallback', () => {
    for (const [fallback, expected] of [
      ['wait', 'holding'],
      ['deny', 'denied'],
      ['open', 'opening'],
    ] as const) {
      const g = start({ fallback });
      g.send(arm);
      g.clock.increment(5000);
      expect(g.state()).toBe(expected);
      expect(g.emitted).toContain('identify.timeout');
    }
  });

  it('closes after maxOpen if no vehicle came, and a queued vehicle is identified at once', () => {
    const g = start();
    g.send(arm, { type: 'decision.open' }, ...upLimit, disarm);
    g.clock.increment(30_000);
    expect(g.state()).toBe('closing');
    g.send(arm, { type: 'limit.closed', on: true });
    expect(g.state()).toBe('identifying');
  });

  it('power loss: exit lanes fail open, entry lanes hold; recovery closes when clear', () => {
    const exit = start({ powerLossMode: 'open' });
    exit.send({ type: 'power.lost' });
    expect(exit.state()).toBe('unpowered');
    expect(exit.emitted).toContain('barrier.raise');
    exit.send(...upLimit, { type: 'power.restored' });
    expect(exit.state()).toBe('closing');
    const entry = start({ powerLossMode: 'hold' });
    entry.send({ type: 'power.lost' }, { type: 'power.restored' });
    expect(entry.emitted).not.toContain('barrier.raise');
    expect(entry.state()).toBe('closed');
  });

  it('outputs are named actions that .provide() can replace', () => {
    const lowered: string[] = [];
    const machine = gateMachine.provide({
      actions: { 'barrier.lower': ({ context }) => void lowered.push(context.laneId) },
    });
    const clock = new SimulatedClock();
    const actor = createActor(machine, { clock, input: gateInput({ laneId: 'X' }) }).start();
    for (const e of [
      { type: 'loop.arming', on: true },
      { type: 'decision.open' },
      { type: 'limit.open', on: true },
      { type: 'loop.safety', on: true },
      { type: 'loop.safety', on: false },
    ] as GateEvent[])
      actor.send(e);
    expect(lowered).toEqual(['X']);
  });
});
