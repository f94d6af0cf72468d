/**
 * Edge configs for HIL runs. `hilEdgeConfigText` wires EVERY detector and signal group of an
 * intersection to its own GPIO line, so the whole intersection is exercised through the agent's
 * inputs and outputs. `forHil` adapts any site config to the harness (broker, in-memory outbox,
 * simulated hardware) without touching what is under test: the signals wiring and debounce.
 */
import { stringify } from 'yaml';
import type { IntersectionConfig } from '../../controllers/signals/index.ts';
import type { ResolvedConfig } from '../../edge/config/load.ts';
import type { EdgeConfig } from '../../edge/config/schema.ts';

export interface WiringOptions {
  /** Absolute path of the intersection YAML. */
  intersectionPath: string;
  site?: string;
  device?: string;
  /** First GPIO line used; lines are allotted in order (detectors, then red/yellow/green per group). */
  firstLine?: number;
  debounceMs?: number;
}

export function hilEdgeConfigText(cfg: IntersectionConfig, o: WiringOptions): string {
  let line = o.firstLine ?? 2;
  const detectorInputs = Object.fromEntries(cfg.detectors.map((d) => [d.id, line++]));
  const headOutputs = Object.fromEntries(
    cfg.signalGroups.map((g) => [g.name, { red: line++, yellow: line++, green: line++ }]),
  );
  return stringify({
    site: o.site ?? 'hil',
    device: o.device ?? 'cabinet-1',
    hardware: { profile: 'simulated', debounceMs: o.debounceMs ?? 20 },
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    queue: { path: ':memory:' },
    signals: [{ config: o.intersectionPath, detectorInputs, headOutputs }],
  });
}

/** The site config pointed at the harness's broker, with simulated hardware and no parking. */
export function forHil(resolved: ResolvedConfig, mqttUrl: string): ResolvedConfig {
  const c = resolved.config;
  const { tls: _tls, password: _pw, passwordEnv: _env, username: _user, ...mqtt } = c.mqtt;
  // The harness drives the GPIO in-process: no serial bus, no simulator HTTP port.
  const { serial: _serial, simulatorPort: _port, ...hardware } = c.hardware;
  const { parking: _parking, ...rest } = c;
  const config: EdgeConfig = {
    ...rest,
    mqtt: { ...mqtt, url: mqttUrl, clientId: `${c.site}.${c.device}.hil`, reconnectPeriodMs: 300 },
    queue: { ...c.queue, path: ':memory:' },
    hardware: { ...hardware, profile: 'simulated' },
  };
  return { config, baseDir: resolved.baseDir };
}
