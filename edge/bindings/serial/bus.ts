/**
 * Serial bay-sensor bus: decodes gateway frames and keeps the link alive across unplug/replug of the
 * USB RS-485 adapter (exponential backoff on open failures; quick reopen once the device path is back).
 */
import { Backoff, type BackoffOptions } from '../../../core/retry.ts';
import { type BindingError, ok, type Result, toBindingError } from '../../../core/ports/binding-error.ts';
import { listenerSet } from '../listeners.ts';
import { serialPortLinkFactory } from './link.ts';
import type {
  LinkState,
  LinkStatus,
  SerialLink,
  SerialLinkFactory,
  SerialSensorBus,
} from '../../../core/ports/serial.ts';
import {
  encodeFrame,
  type FrameError,
  FrameParser,
  type ParseResult,
  type SensorMessage,
} from '../../../core/ports/serial-frames.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

/** Second look after the idle timer, so bytes already waiting after a stall are read first. */
const IDLE_CONFIRM_MS = 20;

export interface SerialSensorBusOptions {
  path: string;
  /** Default 19200 baud, a common RS-485 sensor-gateway rate. */
  baudRate?: number;
  /** Defaults to a real serialport link on `path`. */
  link?: SerialLinkFactory;
  /** Open-failure backoff: initialMs doubles up to maxMs. Defaults 250 ms → 10 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How often to look for the device path while it is missing. Default 250 ms. */
  presencePollMs?: number;
  /**
   * Silence after which a partial frame is torn and the frames queued behind it are decoded
   * (FrameParser.flush). Default 200 ms: a 39-byte frame takes 20 ms at 19,200 baud, and USB
   * adapters hold bytes up to their 16 ms latency timer.
   */
  idleFlushMs?: number;
  clock?: Clock;
}

class Bus implements SerialSensorBus {
  private readonly parser = new FrameParser();
  private readonly messages = listenerSet<[SensorMessage, number]>('serial bus message');
  private readonly statuses = listenerSet<[LinkStatus]>('serial bus status');
  private readonly frameErrors = listenerSet<[FrameError]>('serial bus frame error');
  private link: SerialLink | null = null;
  private state: LinkState = 'connecting';
  private sinceMs: number;
  private everUp = false;
  private reconnects = 0;
  private openFailures = 0;
  private lastError: BindingError | null = null;
  private wakeTimer: unknown = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private looping = false;
  private lastDataMs = 0;
  private idleTimer: unknown = null;

  constructor(
    private readonly factory: SerialLinkFactory,
    private readonly clock: Clock,
    private readonly backoff: BackoffOptions,
    private readonly presencePollMs: number,
    private readonly idleFlushMs: number,
  ) {
    this.sinceMs = clock.now();
  }

  status(): LinkStatus {
    const e = this.lastError;
    return {
      path: this.factory.path,
      state: this.state,
      reconnects: this.reconnects,
      openFailures: this.openFailures,
      lastError: e ? { code: e.code, message: e.message } : null,
      sinceMs: this.sinceMs,
      counters: this.parser.counters,
      listenerFaults: this.messages.faults + this.statuses.faults + this.frameErrors.faults,
    };
  }

  onMessage = (fn: (msg: SensorMessage, atMs: number) => void) => this.messages.add(fn);
  onStatus = (fn: (s: LinkStatus) => void) => this.statuses.add(fn);
  onFrameError = (fn: (e: FrameError) => void) => this.frameErrors.add(fn);

  async send(msg: SensorMessage): Promise<Result<void>> {
    if (!this.link) return { ok: false, error: this.notConnected() };
    try {
      await this.link.write(encodeFrame(msg));
      return ok(undefined);
    } catch (e) {
      return { ok: false, error: toBindingError(e, 'SERIAL_WRITE_FAILED', this.factory.path) };
    }
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.interruptWait();
    this.clearIdle();
    const link = this.link;
    this.link = null;
    await link?.close();
    await this.loop;
  }

  /** Starts the connect loop unless it is running; resolves when it ends (up, or closed). */
  connect(): Promise<void> {
    if (this.looping && this.loop) return this.loop;
    this.looping = true;
    this.loop = this.connectLoop();
    return this.loop;
  }

  /** Resolves after the first open attempt, whatever its outcome. */
  async firstAttempt(): Promise<void> {
    let settle: () => void = () => {};
    const done = new Promise<void>((r) => {
      settle = r;
    });
    const off = this.statuses.add((s) => {
      if (s.state !== 'connecting') settle();
    });
    void this.connect().then(settle);
    await done;
    off();
  }

  private async connectLoop(): Promise<void> {
    try {
      await this.tryUntilUp();
    } finally {
      // Cleared inside the loop's own promise, so a link that drops right after `up` restarts it.
      this.looping = false;
    }
  }

  private async tryUntilUp(): Promise<void> {
    // Frames sent before the port is open are gone (serialport flushes input on open; a USB
    // adapter keeps nothing before it is opened), so a replug wakes the loop at once.
    const unwatch = this.factory.watchPresence?.(() => this.interruptWait());
    try {
      await this.openWhenPresent();
    } finally {
      unwatch?.();
    }
  }

  private async openWhenPresent(): Promise<void> {
    const backoff = new Backoff(this.backoff);
    while (!this.isClosed() && !this.link) {
      if (!(await this.factory.isPresent())) {
        this.down(this.missing());
        await this.wait(this.presencePollMs);
        continue;
      }
      // The link may drop before this loop adopts it (same tick as open): then it never counts as up.
      let adopted = false;
      let droppedEarly: BindingError | null = null;
      const opened = await this.factory.open({
        onData: (chunk) => this.onData(chunk),
        onClose: (error) => {
          if (adopted) this.onLinkClosed(error);
          else droppedEarly = error ?? this.disconnected();
        },
      });
      if (opened.ok && !droppedEarly) {
        if (this.isClosed()) {
          await opened.value.close();
          return;
        }
        adopted = true;
        this.up(opened.value);
        return;
      }
      const failure = opened.ok ? (droppedEarly ?? this.disconnected()) : opened.error;
      this.parser.reset();
      this.openFailures++;
      this.down(failure);
      await this.wait(backoff.next());
    }
  }

  private up(link: SerialLink): void {
    this.link = link;
    if (this.everUp) this.reconnects++;
    this.everUp = true;
    this.setState('up');
  }

  private down(error: BindingError): void {
    // Re-announce only when something changed, not on every presence poll.
    const news = this.lastError?.code !== error.code || this.state !== 'down';
    this.lastError = error;
    if (!this.isClosed() && news) this.setState('down', true);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private onData(chunk: Buffer): void {
    this.lastDataMs = this.clock.now();
    this.emit(this.parser.push(chunk));
    if (this.parser.pendingBytes > 0) this.armIdle(this.idleFlushMs);
  }

  private emit(res: ParseResult): void {
    const at = this.clock.now();
    for (const e of res.errors) this.frameErrors.emit(e);
    for (const m of res.messages) this.messages.emit(m, at);
  }

  private armIdle(ms: number): void {
    if (this.idleTimer === null) this.idleTimer = this.clock.setTimeout(() => this.onIdle(), ms);
  }

  /**
   * Flushes the parser once the line has been quiet for idleFlushMs. Confirmed by a second short
   * timer: after an event-loop stall the first timer fires before bytes already waiting are read,
   * and cutting a real frame in two would lose it.
   */
  private onIdle(confirming = false): void {
    this.idleTimer = null;
    const quietMs = this.clock.now() - this.lastDataMs;
    if (quietMs < this.idleFlushMs) {
      this.armIdle(this.idleFlushMs - quietMs);
      return;
    }
    if (!confirming) {
      this.idleTimer = this.clock.setTimeout(() => this.onIdle(true), IDLE_CONFIRM_MS);
      return;
    }
    this.emit(this.parser.flush());
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private onLinkClosed(error: BindingError | null): void {
    this.link = null;
    // A frame torn by the unplug must not merge with bytes after replug; complete frames queued
    // behind it are still decoded.
    this.clearIdle();
    this.emit(this.parser.flush());
    if (this.state === 'closed') return;
    this.down(error ?? this.disconnected());
    void this.connect();
  }

  private setState(state: LinkState, force = false): void {
    if (this.state === state && !force) return;
    const changed = this.state !== state;
    this.state = state;
    if (changed) this.sinceMs = this.clock.now();
    this.statuses.emit(this.status());
  }

  private wait(ms: number): Promise<void> {
    if (this.isClosed()) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.wakeTimer = this.clock.setTimeout(() => {
        this.wakeTimer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  private interruptWait(): void {
    if (this.wakeTimer !== null) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.wake?.();
    this.wake = null;
  }

  private disconnected(): BindingError {
    return toBindingError('link closed', 'SERIAL_DISCONNECTED', this.factory.path);
  }

  private missing(): BindingError {
    return toBindingError('device path not present', 'SERIAL_OPEN_FAILED', this.factory.path);
  }

  private notConnected(): BindingError {
    return toBindingError('link is down', 'SERIAL_NOT_CONNECTED', this.factory.path);
  }
}

/**
 * Opens the bus and resolves after the first open attempt. A missing or failing device never rejects:
 * the status says `down` with the error code, and the bus keeps trying in the background.
 */
export async function openSerialSensorBus(opts: SerialSensorBusOptions): Promise<SerialSensorBus> {
  const factory = opts.link ?? serialPortLinkFactory({ path: opts.path, baudRate: opts.baudRate ?? 19200 });
  const bus = new Bus(
    factory,
    opts.clock ?? systemClock,
    { initialMs: opts.backoff?.initialMs ?? 250, maxMs: opts.backoff?.maxMs ?? 10_000 },
    opts.presencePollMs ?? 250,
    opts.idleFlushMs ?? 200,
  );
  await bus.firstAttempt();
  return bus;
}
