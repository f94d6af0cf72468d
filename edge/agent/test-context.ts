/**
 * A FeatureContext for feature tests without a broker or queue: a manual clock, simulated GPIO,
 * the real command router and a publisher that validates every message against the contract
 * (buildMessage throws on a payload the contract refuses) and records it.
 */
import { buildMessage, type Data, type TopicKind, topicFor } from '../../core/contract/index.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { parseEdgeConfig } from '../config/load.ts';
import { type CommandRouter, createCommandRouter } from '../uplink/commands.ts';
import type { FeatureContext } from './feature.ts';
import { openHardware } from './hardware.ts';
import { silentLog } from './log.ts';
import type { Publisher } from './publisher.ts';
import { ManualClock } from '../../core/ports/clock.ts';

type Enveloped = Exclude<TopicKind, 'command' | 'commandResponse'>;

export interface Published {
  kind: Enveloped;
  params: Record<string, string>;
  data: unknown;
  retain: boolean;
}

export interface TestContext {
  ctx: FeatureContext;
  clock: ManualClock;
  gpio: SimulatedGpio;
  published: Published[];
  /** Data of every message of one kind, oldest first. */
  of<K extends Enveloped>(kind: K): Data<K>[];
  counted: Record<string, number>;
  /** Sends a command through the router as it would arrive from MQTT; returns the response. */
  command(name: string, args: unknown, transaction?: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function testContext(yaml: string, dir: string): Promise<TestContext> {
  const cfg = parseEdgeConfig(yaml, {}, dir);
  if (!cfg.ok) throw cfg.error;
  const { config } = cfg.value;
  const clock = new ManualClock();
  const gpio = new SimulatedGpio(clock);
  const hw = await openHardware(config.hardware, clock, gpio);
  if (!hw.ok) throw hw.error;
  const published: Published[] = [];
  const counted: Record<string, number> = {};
  const base = { site: config.site, device: config.device };
  const publisher: Publisher = {
    publish(kind, params, data, atEpochMs) {
      const msg = buildMessage(kind, { ...base, ...params }, data, { ts: atEpochMs ?? clock.nowEpochMs() });
      published.push({ kind, params, data: JSON.parse(msg.payload).data, retain: msg.retain });
    },
    errors: () => ({}),
  };
  const commands: CommandRouter = createCommandRouter(config.site, config.device);
  const ctx: FeatureContext = {
    config,
    site: config.site,
    device: config.device,
    hardware: hw.value,
    publisher,
    commands,
    clock,
    epochClock: {
      now: () => clock.nowEpochMs(),
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (id) => clock.clearTimeout(id),
    },
    nowEpochMs: () => clock.nowEpochMs(),
    log: silentLog,
    count: (code) => {
      counted[code] = (counted[code] ?? 0) + 1;
    },
  };
  return {
    ctx,
    clock,
    gpio,
    published,
    counted,
    of: <K extends Enveloped>(kind: K) =>
      published.filter((p) => p.kind === kind).map((p) => p.data as Data<K>),
    async command(name, args, transaction = 't-1') {
      const topic = topicFor('command', { ...base, command: name });
      const raw = new TextEncoder().encode(JSON.stringify({ transaction, args }));
      return (await commands.dispatch(topic, raw))?.response;
    },
    close: () => hw.value.close(),
  };
}
