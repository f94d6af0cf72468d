/**
 * In-memory GPIO backend. The SAME object runs unit tests and the simulators: a test or a simulated
 * device drives input lines and observes output lines; the agent sees ordinary DigitalInput/Output.
 */
import { BindingError, err, ok, type Result } from './binding-error.ts';
import type { GpioBackend, Level, RawInputLine, RawOutputLine } from './gpio.ts';
import { type Clock, systemClock } from './clock.ts';

export interface LevelChange {
  atMs: number;
  level: Level;
}

interface SimLine {
  level: Level;
  listeners: Set<(level: Level) => void>;
  history: LevelChange[];
  owner: 'input' | 'output' | null;
  failWrites: boolean;
}

export class SimulatedGpio implements GpioBackend {
  readonly kind = 'simulated' as const;
  private readonly lines = new Map<number, SimLine>();

  /** `lineCount` mirrors a gpiochip's ngpio (the Pi header chip has 54 lines on bcm2835/2711). */
  constructor(
    private readonly clock: Clock = systemClock,
    private readonly lineCount = 54,
  ) {}

  // ---- device / test side -------------------------------------------------------------------

  /** Sets the electrical level of a line, as a detector or button would. */
  drive(line: number, level: Level): void {
    const l = this.line(line);
    if (l.level === level) return;
    this.setLevel(l, level);
  }

  /** Electrical level of a line (what an output currently drives). */
  level(line: number): Level {
    return this.line(line).level;
  }

  /** Level changes of a line with monotonic timestamps, oldest first. */
  history(line: number): readonly LevelChange[] {
    return this.line(line).history;
  }

  /** Observes a line's electrical changes (e.g. a simulated barrier watching its relay). */
  watch(line: number, listener: (level: Level) => void): () => void {
    const l = this.line(line);
    l.listeners.add(listener);
    return () => l.listeners.delete(listener);
  }

  /** Makes writes to an output line fail (simulates a broken driver). */
  setWriteFailure(line: number, failing: boolean): void {
    this.line(line).failWrites = failing;
  }

  // ---- backend side -------------------------------------------------------------------------

  async openInput(line: number): Promise<Result<RawInputLine, BindingError>> {
    const claimed = this.claim(line, 'input');
    if (!claimed.ok) return claimed;
    const l = claimed.value;
    const mine = new Set<(level: Level) => void>();
    return ok({
      read: () => l.level,
      onChange: (listener) => {
        l.listeners.add(listener);
        mine.add(listener);
        return () => {
          l.listeners.delete(listener);
          mine.delete(listener);
        };
      },
      close: async () => {
        for (const fn of mine) l.listeners.delete(fn);
        l.owner = null;
      },
    });
  }

  async openOutput(line: number, initial: Level): Promise<Result<RawOutputLine, BindingError>> {
    const claimed = this.claim(line, 'output');
    if (!claimed.ok) return claimed;
    const l = claimed.value;
    if (l.level !== initial) this.setLevel(l, initial);
    let open = true;
    return ok({
      write: async (level) => {
        if (!open) throw new BindingError('GPIO_CLOSED', `line ${line} is closed`);
        if (l.failWrites) throw new BindingError('GPIO_IO_FAILED', `simulated write failure on line ${line}`);
        if (l.level !== level) this.setLevel(l, level);
      },
      read: async () => l.level,
      close: async () => {
        open = false;
        l.owner = null;
      },
    });
  }

  private claim(line: number, owner: 'input' | 'output'): Result<SimLine, BindingError> {
    if (!Number.isInteger(line) || line < 0 || line >= this.lineCount) {
      return err(new BindingError('GPIO_LINE_OUT_OF_RANGE', `line ${line} not in 0..${this.lineCount - 1}`));
    }
    const l = this.line(line);
    if (l.owner) return err(new BindingError('GPIO_LINE_BUSY', `line ${line} already open as ${l.owner}`));
    l.owner = owner;
    return ok(l);
  }

  private line(line: number): SimLine {
    let l = this.lines.get(line);
    if (!l) {
      l = { level: 0, listeners: new Set(), history: [], owner: null, failWrites: false };
      this.lines.set(line, l);
    }
    return l;
  }

  private setLevel(l: SimLine, level: Level): void {
    l.level = level;
    l.history.push({ atMs: this.clock.now(), level });
    for (const fn of [...l.listeners]) fn(level);
  }
}
