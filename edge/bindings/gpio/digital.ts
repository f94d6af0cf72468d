/**
 * Debounced DigitalInput and read-back DigitalOutput on top of any GpioBackend. Debounce runs on an
 * injected clock so tests and simulators advance time instead of sleeping.
 */
import { BindingError, ok, type Result } from '../../../core/ports/binding-error.ts';
import { listenerSet } from '../listeners.ts';
import type {
  DigitalEdge,
  DigitalInput,
  DigitalInputOptions,
  DigitalOutput,
  DigitalOutputOptions,
  GpioBackend,
  Level,
  RawInputLine,
} from '../../../core/ports/gpio.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

const invert = (v: Level): Level => (v === 1 ? 0 : 1);

export async function openDigitalInput(
  backend: GpioBackend,
  opts: DigitalInputOptions,
  clock: Clock = systemClock,
): Promise<Result<DigitalInput>> {
  const raw = await backend.openInput(opts.line);
  if (!raw.ok) return raw;
  return ok(debouncedInput(raw.value, opts, clock));
}

function debouncedInput(raw: RawInputLine, opts: DigitalInputOptions, clock: Clock): DigitalInput {
  const debounceMs = opts.debounceMs ?? 20;
  const logical = (v: Level): Level => (opts.activeLow ? invert(v) : v);
  const listeners = listenerSet<[DigitalEdge]>(`gpio ${opts.name} edge`);
  let stable = logical(raw.read());
  let timer: unknown = null;
  let rawChangedAt = clock.now();

  const accept = (value: Level): void => {
    timer = null;
    if (value === stable) return;
    stable = value;
    const e: DigitalEdge = {
      name: opts.name,
      edge: value === 1 ? 'rising' : 'falling',
      value,
      atMs: rawChangedAt,
      confirmedAtMs: clock.now(),
    };
    listeners.emit(e);
  };

  const unsubscribe = raw.onChange((level) => {
    const value = logical(level);
    rawChangedAt = clock.now();
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    // A bounce back to the stable level just cancels the pending change.
    if (value === stable) return;
    if (debounceMs <= 0) accept(value);
    else timer = clock.setTimeout(() => accept(value), debounceMs);
  });

  return {
    name: opts.name,
    value: () => stable,
    onEdge: (fn) => listeners.add(fn),
    close: async () => {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      unsubscribe();
      listeners.clear();
      await raw.close();
    },
  };
}

export async function openDigitalOutput(
  backend: GpioBackend,
  opts: DigitalOutputOptions,
): Promise<Result<DigitalOutput>> {
  const toRaw = (v: Level): Level => (opts.activeLow ? invert(v) : v);
  const raw = await backend.openOutput(opts.line, toRaw(opts.initial ?? 0));
  if (!raw.ok) return raw;
  const line = raw.value;
  let closed = false;
  return ok({
    name: opts.name,
    write: async (value) => {
      if (closed) throw new BindingError('GPIO_CLOSED', `${opts.name} is closed`);
      try {
        await line.write(toRaw(value));
      } catch (e) {
        throw e instanceof BindingError
          ? e
          : new BindingError('GPIO_IO_FAILED', `${opts.name}: write failed`, e);
      }
    },
    read: async () => toRaw(await line.read()),
    close: async () => {
      closed = true;
      await line.close();
    },
  });
}
