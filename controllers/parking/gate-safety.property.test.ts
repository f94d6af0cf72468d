/**
 * Property: whatever the lane, operator, power and clock do, the barrier is never commanded down
 * while the safety loop / photo-eye is occupied, and an occupied safety input while closing
 * always reverses the boom.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { gateInput, inputEvents } from './gate-fixtures.ts';
import { type GateEvent, type GateInput, gateMachine } from './gate-machine.ts';

type Step = { kind: 'event'; event: GateEvent } | { kind: 'tick'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...inputEvents).map((event) => ({ kind: 'event' as const, event })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((ms) => ({ kind: 'tick' as const, ms })) },
);
const config: fc.Arbitrary<Partial<GateInput>> = fc.record({
  fallback: fc.constantFrom('deny', 'open', 'wait'),
  faultMode: fc.constantFrom('open', 'hold'),
  powerLossMode: fc.constantFrom('open', 'hold'),
});

function run(
  steps: Step[],
  patch: Partial<GateInput>,
  machine: typeof gateMachine = gateMachine,
): { unsafe: number; notReversed: number } {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { clock, input: gateInput(patch) });
  let safety = false;
  let unsafe = 0;
  let notReversed = 0;
  actor.on('barrier.lower', () => {
    if (safety) unsafe++;
  });
  actor.start();
  for (const s of steps) {
    if (s.kind === 'tick') {
      clock.increment(s.ms);
      continue;
    }
    const wasClosing = actor.getSnapshot().value === 'closing';
    const rising = s.event.type === 'loop.safety' && s.event.on && !safety;
    if (s.event.type === 'loop.safety') safety = s.event.on;
    actor.send(s.event);
    const now = actor.getSnapshot().value;
    if (wasClosing && rising && now !== 'opening' && now !== 'open' && now !== 'unpowered') notReversed++;
    if (now === 'closing' && safety) unsafe++;
  }
  actor.stop();
  return { unsafe, notReversed };
}

describe('barrier gate safety property', () => {
  it('never lowers onto an occupied safety input (5,000 random runs)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), config, (steps, patch) => {
        const r = run(steps, patch);
        expect(r.unsafe).toBe(0);
        expect(r.notReversed).toBe(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('the same checker catches a machine with a broken safety guard', () => {
    // Mutation check: if the property could not fail, it would prove nothing.
    const broken = gateMachine.provide({ guards: { safetyClear: () => true } });
    const result = fc.check(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), config, (steps, patch) => {
        return run(steps, patch, broken).unsafe === 0;
      }),
      { numRuns: 5000 },
    );
    expect(result.failed).toBe(true);
  });
});
