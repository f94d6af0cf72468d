/**
 * Everything a HIL run stands up and tears down: the broker (in-process aedes unless a URL is
 * given), the real agent on the harness's GPIO and clock, and the harness's MQTT link to it.
 */
import {
  type IntersectionConfig,
  type IntersectionController,
  loadIntersectionConfig,
} from '../../controllers/signals/index.ts';
import type { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import type { Result } from '../../core/ports/result.ts';
import { type Agent, startAgent } from '../../edge/agent/agent.ts';
import { type AgentLog, silentLog } from '../../edge/agent/log.ts';
import type { SignalsFeature } from '../../edge/agent/signals/feature.ts';
import { type Env, parseEdgeConfig, type ResolvedConfig } from '../../edge/config/load.ts';
import type { EdgeConfig } from '../../edge/config/schema.ts';
import { layoutFromConfig } from '../traffic/layout.ts';
import type { SimError, SimLayout } from '../traffic/types.ts';
import { type AgentLink, connectAgentLink } from './agent-link.ts';
import { startLocalBroker } from '../infra/local-broker.ts';
import { forHil } from './edge-config.ts';
import type { ReferenceOptions } from './reference.ts';
import type { HeadLines } from './lamps.ts';
import type { VirtualClock } from './virtual-clock.ts';

/** The run (demand, duration, seed, EVs, warm-up, drain, geometry) is the in-process reference's. */
export interface HilOptions extends ReferenceOptions {
  /** The site YAML (with `baseDir` for its relative paths), or an already resolved config. */
  edgeConfigText?: string;
  baseDir?: string;
  env?: Env;
  resolved?: ResolvedConfig;
  /** Which `signals[]` entry the microsimulator drives (default 0). */
  signalsIndex?: number;
  /** Microsimulator step; at most 100 ms so detector pulses meet the agent's debounce. */
  stepMs?: number;
  /** `virtual`: as fast as possible; `realtime`: simulated time follows wall time × `speed`. */
  pace?: 'virtual' | 'realtime';
  speed?: number;
  /**
   * Realtime runs: the epoch ms the agent reports at simulated time 0 (default now). A run faster
   * than real time starts behind the wall clock so its stamps never run ahead of the broker's.
   */
  startMs?: number;
  /** Broker the agent connects to; default an in-process aedes on a free loopback port. */
  mqttUrl?: string;
  /** Credentials on an authenticating broker: the agent's device account and the harness's user. */
  mqttAuth?: { agent: MqttCredentials; harness: MqttCredentials };
  /** Ends the run early (the demo city's Ctrl-C); the result covers the time simulated so far. */
  signal?: AbortSignal;
  /** Field wiring the harness reads lamps from, when it differs from the agent's (fault tests). */
  fieldWiring?: Record<string, HeadLines>;
  activeLowInputs?: number[];
  log?: AgentLog;
}

export interface MqttCredentials {
  username: string;
  password: string;
}

export interface HilError {
  code: 'HIL_BAD_OPTIONS' | 'HIL_CONFIG' | 'HIL_AGENT_START' | 'HIL_AGENT_UNREACHABLE' | SimError['code'];
  message: string;
}

export const hilError = (code: HilError['code'], message: string) =>
  ({ ok: false, error: { code, message } }) as const;

export interface Session {
  agent: Agent;
  link: AgentLink;
  intersection: IntersectionConfig;
  signals: EdgeConfig['signals'][number];
  layout: SimLayout;
  /** The agent's controller for this intersection (detectors/heads not wired to GPIO). */
  controller: IntersectionController | undefined;
  /** Waits until the agent's outbox is empty and its messages have reached the link. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

type Started = Result<Session, HilError>;

function resolve(opts: HilOptions): Result<ResolvedConfig, HilError> {
  if (opts.resolved) return { ok: true, value: opts.resolved };
  if (opts.edgeConfigText === undefined)
    return hilError('HIL_BAD_OPTIONS', 'give edgeConfigText or resolved');
  const r = parseEdgeConfig(opts.edgeConfigText, opts.env ?? process.env, opts.baseDir ?? process.cwd());
  return r.ok ? r : hilError('HIL_CONFIG', r.error.message);
}

export async function startSession(
  opts: HilOptions,
  clock: VirtualClock,
  gpio: SimulatedGpio,
): Promise<Started> {
  const resolved = resolve(opts);
  if (!resolved.ok) return resolved;
  const signals = resolved.value.config.signals[opts.signalsIndex ?? 0];
  if (!signals) return hilError('HIL_CONFIG', `no signals[${opts.signalsIndex ?? 0}] in the edge config`);
  const loaded = await loadIntersectionConfig(signals.config);
  if (!loaded.ok)
    return hilError('HIL_CONFIG', `${signals.config}: ${JSON.stringify(loaded.error).slice(0, 300)}`);
  const intersection = loaded.value;
  const broker = opts.mqttUrl ? null : await startLocalBroker();
  const url = opts.mqttUrl ?? broker?.url ?? '';
  const stops: (() => Promise<void>)[] = broker ? [() => broker.close()] : [];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  const cfg = withAgentAuth(forHil(resolved.value, url), opts.mqttAuth?.agent);
  const started = await startAgent(cfg, {
    gpio,
    clock,
    nowEpochMs: () => clock.nowEpochMs(),
    log: opts.log ?? silentLog,
  });
  if (!started.ok) {
    await stopAll();
    return hilError('HIL_AGENT_START', started.error.message);
  }
  const agent = started.value;
  stops.push(() => agent.stop());
  const link = await connectAgentLink(url, cfg.config.site, cfg.config.device, opts.mqttAuth?.harness);
  stops.push(() => link.close());
  // A ping answered proves the agent is connected and subscribed to its command topics.
  if (!(await pingUntilAnswered(link))) {
    await stopAll();
    return hilError('HIL_AGENT_UNREACHABLE', `agent did not answer a ping via ${url}`);
  }
  const feature = agent.features.find((f): f is SignalsFeature => f.name === 'signals' && 'controllers' in f);
  return {
    ok: true,
    value: {
      agent,
      link,
      intersection,
      signals,
      layout: layoutFromConfig(intersection, opts.geometry),
      controller: feature?.controllers.get(intersection.id),
      flush: () => flushAgent(agent, link),
      stop: stopAll,
    },
  };
}

async function pingUntilAnswered(link: AgentLink, deadlineMs = 10_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const r = await Promise.race([
      link.send('ping', {}),
      new Promise<{ status: 'timeout' }>((r) => setTimeout(() => r({ status: 'timeout' }), 500)),
    ]);
    if (r.status === 'ok') return true;
  }
  return false;
}

/** The outbox drains asynchronously; then wait until the link has seen no heads for a moment. */
async function flushAgent(agent: Agent, link: AgentLink, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  while (agent.queue.stats().depth > 0 && Date.now() < end) await sleep(20);
  let seen = -1;
  while (seen !== link.heads().length + link.cycles().length && Date.now() < end) {
    seen = link.heads().length + link.cycles().length;
    await sleep(150);
  }
}

function withAgentAuth(cfg: ResolvedConfig, auth: MqttCredentials | undefined): ResolvedConfig {
  if (!auth) return cfg;
  const mqtt = { ...cfg.config.mqtt, username: auth.username };
  return { ...cfg, config: { ...cfg.config, mqtt }, password: auth.password };
}
