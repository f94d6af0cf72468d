/**
 * The shape every resilience scenario shares. A scenario breaks the system on purpose (a kill,
 * an outage, an attack) against real servers started by the project's own scripts, and counts
 * what happened to the valid traffic that flowed meanwhile. Each file in `resilience/scenarios/`
 * exports `scenario`; the runner (`npm run test:resilience`) and the CI subset discover them.
 */
export interface ScenarioCounts {
  /** Valid messages the scenario sent. */
  sent: number;
  /** Of those, how many the sender saw acknowledged (PUBACK, HTTP 2xx, …). */
  acknowledged: number;
  /** Of those, how many reached their store (InfluxDB, the subscriber, the agent). */
  stored: number;
  /** Acknowledged but never stored. Must be 0. */
  lost: number;
  /** Stored more than once. Must be 0. */
  duplicated: number;
  /** Hostile or invalid attempts the system refused (security and bad-input scenarios). */
  refused?: number;
  /** Hostile attempts that got through. Must be 0 where present. */
  breached?: number;
  /**
   * Where valid traffic stopped flowing (e.g. "no PUBACK while InfluxDB was down"). Must be empty:
   * a system that loses nothing because it stopped accepting anything has not passed.
   */
  stalls?: string[];
}

export interface ScenarioResult extends ScenarioCounts {
  name: string;
  durationMs: number;
  /** One-line facts worth printing beside the counts (e.g. "broker restarted in 1.2 s"). */
  notes: string[];
}

export interface ScenarioContext {
  /** True for the shorter CI variant; the full run uses the figures (e.g. 60 s outages). */
  quick: boolean;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  /** What breaks, in one sentence. */
  what: string;
  /** Whether the CI subset (`npm test`) runs it (in its quick variant). */
  ci: boolean;
  run(ctx: ScenarioContext): Promise<Omit<ScenarioResult, 'name' | 'durationMs'>>;
}
