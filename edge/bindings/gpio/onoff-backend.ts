/**
 * Real GPIO through onoff 6 (legacy sysfs). onoff hard-codes /sys/class/gpio, so the BCM → sysfs
 * number mapping (sysfs.ts) is done here before constructing each Gpio.
 */
import { BindingError, err, ok, type Result, toBindingError } from '../../../core/ports/binding-error.ts';
import { bcmToSysfs, type MapOptions } from './sysfs.ts';
import type { GpioBackend, Level, RawInputLine, RawOutputLine } from '../../../core/ports/gpio.ts';

/** The part of onoff's API used here (lets tests check the numbering with a fake Gpio class). */
export interface OnoffGpioLike {
  readSync(): 0 | 1;
  read(): Promise<0 | 1>;
  write(value: 0 | 1): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unwatch(callback?: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export interface OnoffModuleLike {
  Gpio: {
    new (
      gpio: number,
      direction: 'in' | 'out' | 'high' | 'low',
      edge?: 'none' | 'rising' | 'falling' | 'both',
    ): OnoffGpioLike;
    readonly accessible: boolean;
  };
}

type OnoffGpio = OnoffGpioLike;

async function loadOnoff(injected?: OnoffModuleLike): Promise<Result<OnoffModuleLike>> {
  try {
    const mod: OnoffModuleLike = injected ?? (await import('onoff'));
    if (!mod.Gpio.accessible) {
      return err(
        new BindingError(
          'GPIO_UNAVAILABLE',
          'GPIO sysfs is not accessible on this machine (onoff Gpio.accessible is false)',
        ),
      );
    }
    return ok(mod);
  } catch (e) {
    return err(toBindingError(e, 'GPIO_UNAVAILABLE', 'loading onoff'));
  }
}

const asLevel = (v: number): Level => (v ? 1 : 0);

function inputLine(gpio: OnoffGpio): RawInputLine {
  return {
    read: () => asLevel(gpio.readSync()),
    onChange: (listener) => {
      // onoff reports interrupt errors through the callback; a failed read is not a level change.
      const cb = (e: Error | null | undefined, value: 0 | 1) => {
        if (!e) listener(asLevel(value));
      };
      gpio.watch(cb);
      return () => gpio.unwatch(cb);
    },
    close: async () => {
      gpio.unwatchAll();
      gpio.unexport();
    },
  };
}

function outputLine(gpio: OnoffGpio, line: number): RawOutputLine {
  return {
    write: async (level) => {
      try {
        await gpio.write(level);
      } catch (e) {
        throw toBindingError(e, 'GPIO_IO_FAILED', `write BCM ${line}`);
      }
    },
    read: async () => asLevel(await gpio.read()),
    close: async () => gpio.unexport(),
  };
}

export interface OnoffBackendOptions extends MapOptions {
  /** Defaults to the real onoff module. */
  onoff?: OnoffModuleLike;
}

/** Resolves to GPIO_UNAVAILABLE when there is no GPIO sysfs (as on CI machines). */
export async function createOnoffBackend(opts: OnoffBackendOptions = {}): Promise<Result<GpioBackend>> {
  const loaded = await loadOnoff(opts.onoff);
  if (!loaded.ok) return loaded;
  const { Gpio } = loaded.value;
  const construct = async <T>(line: number, make: (n: number) => T): Promise<Result<T>> => {
    const mapped = await bcmToSysfs(line, opts);
    if (!mapped.ok) return mapped;
    try {
      return ok(make(mapped.value.sysfsNumber));
    } catch (e) {
      return err(
        toBindingError(e, 'GPIO_IO_FAILED', `export BCM ${line} (sysfs ${mapped.value.sysfsNumber})`),
      );
    }
  };
  return ok({
    kind: 'onoff',
    openInput: (line) => construct(line, (n) => inputLine(new Gpio(n, 'in', 'both'))),
    openOutput: (line, initial) =>
      construct(line, (n) => outputLine(new Gpio(n, initial === 1 ? 'high' : 'low'), line)),
  });
}
