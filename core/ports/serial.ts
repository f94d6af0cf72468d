/**
 * Serial ports (zwave-js style): the link is a tiny source/sink of bytes produced by one async
 * factory, and the sensor bus decodes gateway frames (serial-frames.ts) on top of it. The edge
 * implements both (edge/bindings/serial: serialport, socat pty, serialport's mock); simulators and
 * tests program against these interfaces.
 */
import type { BindingError, Result } from './binding-error.ts';
import type { FrameError, ParserCounters, SensorMessage } from './serial-frames.ts';

export interface SerialLinkHandlers {
  onData(chunk: Buffer): void;
  /** Called once when the link ends; `error` is null for a close we asked for. */
  onClose(error: BindingError | null): void;
}

export interface SerialLink {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialLinkFactory {
  readonly path: string;
  /** True when the device node exists (USB adapter plugged in). */
  isPresent(): Promise<boolean>;
  /**
   * Calls `onChange` when the device node may have appeared or gone (inotify on its folder), so
   * a replugged adapter is opened at once instead of at the next presence poll; returns the
   * unsubscribe. Optional: without it the bus polls `isPresent` only.
   */
  watchPresence?(onChange: () => void): () => void;
  open(handlers: SerialLinkHandlers): Promise<Result<SerialLink>>;
}

export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

export interface LinkStatus {
  path: string;
  state: LinkState;
  /** Successful opens after the first one. */
  reconnects: number;
  openFailures: number;
  lastError: { code: string; message: string } | null;
  /** Monotonic ms of the last state change. */
  sinceMs: number;
  counters: ParserCounters;
  /** Subscriber callbacks that threw (isolated, reported as process warnings). */
  listenerFaults: number;
}

export interface SerialSensorBus {
  status(): LinkStatus;
  /** Decoded messages with the monotonic ms they were received. */
  onMessage(listener: (msg: SensorMessage, atMs: number) => void): () => void;
  onStatus(listener: (status: LinkStatus) => void): () => void;
  onFrameError(listener: (error: FrameError) => void): () => void;
  /** Sends a frame to the gateway (configuration, tests). */
  send(msg: SensorMessage): Promise<Result<void>>;
  close(): Promise<void>;
}
