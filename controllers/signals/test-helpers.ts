/** Shared by the colocated tests: load the example layouts and build controllers on a SimulatedClock. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SimulatedClock } from 'xstate';
import { type IntersectionConfig, parseIntersectionConfig } from './config.ts';
import { createIntersectionController } from './controller.ts';
import type { IntersectionController } from './types.ts';

export const EXAMPLES = ['four-leg-protected', 't-junction', 'four-leg-permissive-peds'] as const;
export type Example = (typeof EXAMPLES)[number];

export function exampleText(name: Example): string {
  return readFileSync(new URL(`./examples/${name}.yaml`, import.meta.url), 'utf8');
}

/** The example as a plain object, for tests that mutate one field. */
export function exampleObject(name: Example): Record<string, unknown> {
  return parse(exampleText(name)) as Record<string, unknown>;
}

export function example(name: Example): IntersectionConfig {
  const r = parseIntersectionConfig(exampleText(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export interface Rig {
  clock: SimulatedClock;
  ctl: IntersectionController;
  config: IntersectionConfig;
  /** Advance in `stepMs` steps (default 100 ms). */
  run(ms: number, stepMs?: number): void;
}

export function rig(name: Example | IntersectionConfig, started = true): Rig {
  const config = typeof name === 'string' ? example(name) : name;
  const clock = new SimulatedClock();
  const ctl = createIntersectionController(config, { clock });
  if (started) ctl.start();
  return {
    clock,
    ctl,
    config,
    run(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) clock.increment(Math.min(stepMs, ms - t));
    },
  };
}
