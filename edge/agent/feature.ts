/** What every agent feature (parking, signals, health) receives and returns: start()/stop() plug-ins. */
import type { ParkingClock } from '../../controllers/parking/index.ts';
import type { CameraHealth, Clock, LinkStatus } from '../bindings/index.ts';
import type { EdgeConfig } from '../config/schema.ts';
import type { CommandRouter } from '../uplink/commands.ts';
import type { Hardware } from './hardware.ts';
import type { AgentLog } from './log.ts';
import type { Publisher } from './publisher.ts';

export interface FeatureContext {
  config: EdgeConfig;
  site: string;
  device: string;
  hardware: Hardware;
  publisher: Publisher;
  commands: CommandRouter;
  /** Monotonic: debounce, timers, control decisions. */
  clock: Clock;
  /** Epoch-ms clock for controllers whose rules follow the calendar (opening hours). */
  epochClock: ParkingClock;
  /** Wall clock for timestamps that leave the box. */
  nowEpochMs(): number;
  log: AgentLog;
  /** Counts a non-fatal error by code (reported in health and logs). */
  count(code: string, detail: string): void;
}

export interface FeatureHealth {
  serial?: LinkStatus | null;
  cameras?: Record<string, CameraHealth>;
}

export interface Feature {
  readonly name: string;
  health(): FeatureHealth;
  stop(): Promise<void>;
}
