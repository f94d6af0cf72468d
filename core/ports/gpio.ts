/**
 * GPIO ports. Controllers see only DigitalInput/DigitalOutput; backends (onoff sysfs, simulated)
 * provide raw electrical lines and the shared layer in digital.ts adds debounce and active-low.
 */
import type { BindingError, Result } from './binding-error.ts';

export type Level = 0 | 1;
export type EdgeKind = 'rising' | 'falling';

export interface DigitalEdge {
  name: string;
  edge: EdgeKind;
  /** Logical level after the edge. */
  value: Level;
  /** Monotonic ms when the raw line changed (start of the stable period). */
  atMs: number;
  /** Monotonic ms when debounce accepted the change (atMs + debounceMs at the earliest). */
  confirmedAtMs: number;
}

/** Loop detector, safety loop, limit switch, pedestrian button… */
export interface DigitalInput {
  readonly name: string;
  /** Debounced logical level. */
  value(): Level;
  /** Subscribes to debounced edges; returns an unsubscribe function. */
  onEdge(listener: (edge: DigitalEdge) => void): () => void;
  close(): Promise<void>;
}

/** Barrier relay, warning light, signal-head load switch, watchdog line… */
export interface DigitalOutput {
  readonly name: string;
  /** Drives the logical level; rejects with a BindingError (GPIO_IO_FAILED / GPIO_CLOSED). */
  write(value: Level): Promise<void>;
  /** Reads the level back from the line (logical). */
  read(): Promise<Level>;
  close(): Promise<void>;
}

/** Raw electrical input line as a backend exposes it. */
export interface RawInputLine {
  read(): Level;
  /** Called on every raw change (interrupt); returns an unsubscribe function. */
  onChange(listener: (level: Level) => void): () => void;
  close(): Promise<void>;
}

export interface RawOutputLine {
  write(level: Level): Promise<void>;
  read(): Promise<Level>;
  close(): Promise<void>;
}

export interface GpioBackend {
  readonly kind: 'onoff' | 'simulated';
  /** `line` is the BCM line number; the backend maps it to its own numbering. */
  openInput(line: number): Promise<Result<RawInputLine, BindingError>>;
  openOutput(line: number, initial: Level): Promise<Result<RawOutputLine, BindingError>>;
}

export interface DigitalInputOptions {
  name: string;
  line: number;
  /** A change must hold this long before it is reported. Default 20 ms (contact bounce < 10 ms). */
  debounceMs?: number;
  /** True when the contact pulls the line low when active (typical with pull-ups). */
  activeLow?: boolean;
}

export interface DigitalOutputOptions {
  name: string;
  line: number;
  /** Logical level driven at open, before any write. Default 0 (relay released = fail-safe). */
  initial?: Level;
  activeLow?: boolean;
}
