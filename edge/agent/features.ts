/**
 * Every feature the edge agent can run, in start order. Adding a sensor family or a controller
 * means adding one entry here (see docs/extending.md); agent.ts and `--check` walk this table.
 */
import type { Feature } from './feature.ts';
import { parking } from './parking/index.ts';
import { pedButtons } from './ped-buttons/index.ts';
import { signals } from './signals/index.ts';

export const FEATURES: readonly Feature[] = [parking, signals, pedButtons];
