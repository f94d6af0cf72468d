/** One lane: its barrier machine actor plus the frames and verdict of the vehicle being served. */
import { type Actor, createActor } from 'xstate';
import { type LaneConfig, faultMode, powerLossMode, reviewFallback } from './config.ts';
import type { Decision, PlateRead } from './decision.ts';
import { type GateEmitted, type GateEvent, gateMachine } from './gate-machine.ts';
import type { GateStateName, GateView } from './types.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface LaneHooks {
  emitted(lane: Lane, e: GateEmitted): void;
  state(lane: Lane, state: GateStateName): void;
}

export class Lane {
  readonly actor: Actor<typeof gateMachine>;
  /** Frames read for the vehicle on the arming loop. */
  frames: PlateRead[] = [];
  /** Verdict for the vehicle being served; consumed by its crossing. */
  decision: Decision | null = null;
  reviewId: string | null = null;
  private last: GateStateName = 'closed';

  constructor(
    readonly config: LaneConfig,
    clock: Clock,
    hooks: LaneHooks,
    machine: typeof gateMachine = gateMachine,
  ) {
    this.actor = createActor(machine, {
      clock,
      input: {
        laneId: config.id,
        fallback: reviewFallback(config),
        faultMode: faultMode(config),
        powerLossMode: powerLossMode(config),
        identifyTimeoutMs: config.identify.timeoutMs,
        travelTimeoutMs: config.timing.travelTimeoutMs,
        maxOpenMs: config.timing.maxOpenMs,
      },
    });
    this.actor.on('*', (e) => hooks.emitted(this, e));
    this.actor.subscribe((s) => {
      const v = s.value as GateStateName;
      if (v !== this.last) {
        this.last = v;
        hooks.state(this, v);
      }
    });
  }

  get id(): string {
    return this.config.id;
  }

  start(): void {
    this.actor.start();
  }

  send(e: GateEvent): void {
    this.actor.send(e);
  }

  state(): GateStateName {
    return this.actor.getSnapshot().value as GateStateName;
  }

  /** The best frame so far (highest confidence legible read, else the last frame). */
  best(): PlateRead | null {
    const legible = this.frames.filter((f) => f.plate !== null);
    const pool = legible.length > 0 ? legible : this.frames;
    return pool.reduce<PlateRead | null>((b, f) => (b === null || f.confidence > b.confidence ? f : b), null);
  }

  resetVehicle(): void {
    this.frames = [];
    this.decision = null;
    this.reviewId = null;
  }

  view(): GateView {
    const { context } = this.actor.getSnapshot();
    return {
      laneId: this.id,
      direction: this.config.direction,
      state: this.state(),
      safetyOccupied: context.safetyOccupied,
      armingOccupied: context.armingOccupied,
      faultReason: context.faultReason,
    };
  }
}
