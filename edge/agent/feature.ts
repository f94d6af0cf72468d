/**
 * The one slot every edge feature fills (parking, signals, …): a `Feature` says what it reads from
 * the site config, which bindings it opens, which pure controller it drives, which topics it
 * publishes and which commands it answers. agent.ts walks the table in features.ts; it holds the
 * feature to its declarations (an undeclared topic or command is refused and counted).
 */
import type { z } from 'zod';
import type { CommandName, TopicKind } from '../../core/contract/index.ts';
import type { Result } from '../../core/errors.ts';
import type { LinkStatus } from '../../core/ports/serial.ts';
import type { CameraHealth } from '../bindings/index.ts';
import type { EdgeConfig } from '../config/schema.ts';
import type { CommandRouter } from '../uplink/commands.ts';
import type { Hardware } from './hardware.ts';
import type { AgentLog } from './log.ts';
import type { Enveloped, Publisher } from './publisher.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface FeatureContext {
  config: EdgeConfig;
  site: string;
  device: string;
  hardware: Hardware;
  publisher: Publisher;
  commands: FeatureCommands;
  /** Monotonic: debounce, timers, control decisions. */
  clock: Clock;
  /** Epoch-ms clock for controllers whose rules follow the calendar (opening hours). */
  epochClock: Clock;
  /** Wall clock for timestamps that leave the box. */
  nowEpochMs(): number;
  log: AgentLog;
  /** Counts a non-fatal error by code (reported in health and logs). */
  count(code: string, detail: string): void;
}

/** Features only register handlers; dispatch belongs to the uplink. */
export type FeatureCommands = Pick<CommandRouter, 'handle'>;

export interface FeatureHealth {
  serial?: LinkStatus | null;
  cameras?: Record<string, CameraHealth>;
}

/** A started feature. */
export interface FeatureInstance {
  readonly name: string;
  health(): FeatureHealth;
  stop(): Promise<void>;
}

/** The hardware ports a feature opens through `ctx.hardware` or the bindings. */
export type Binding = 'gpio' | 'serial' | 'camera';

export interface Feature<S = unknown> {
  readonly name: string;
  /** The schema of its section of the site config (composed into edge/config/schema.ts). */
  readonly configSchema: z.ZodType<S>;
  /** Its section of a parsed config, or undefined when the site does not run this feature. */
  section(config: EdgeConfig): S | undefined;
  readonly bindings: readonly Binding[];
  /** The pure decision package it drives (a folder under controllers/). */
  readonly controller: string;
  readonly publishes: readonly Enveloped[];
  readonly commands: readonly Exclude<CommandName, 'ping'>[];
  /** `cityedge edge --check`: validates the files the section refers to, without starting anything. */
  check(config: EdgeConfig): Promise<Result<void>>;
  /** Imports the feature's code lazily (a parking-only Pi never loads the signal controller). */
  start(ctx: FeatureContext): Promise<Result<FeatureInstance>>;
}

/** The context a feature sees: publishes and command handlers limited to what it declared. */
export function scopedContext(ctx: FeatureContext, feature: Feature): FeatureContext {
  const topics = new Set<TopicKind>(feature.publishes);
  const commands = new Set<CommandName>(feature.commands);
  return {
    ...ctx,
    publisher: {
      publish(kind, params, data, atEpochMs) {
        if (!topics.has(kind)) {
          ctx.count('CONTRACT_UNDECLARED_TOPIC', `${feature.name} published ${kind}`);
          return;
        }
        ctx.publisher.publish(kind, params, data, atEpochMs);
      },
      errors: () => ctx.publisher.errors(),
    },
    commands: {
      handle(name, handler) {
        if (!commands.has(name))
          throw new Error(`feature ${feature.name} handles undeclared command ${name}`);
        ctx.commands.handle(name, handler);
      },
    },
  };
}
