/**
 * The agent's hardware, by profile: `pi` uses onoff (sysfs GPIO), `simulated` the in-memory
 * SimulatedGpio that simulators drive (in-process, or over the small HTTP endpoint in sim-port.ts).
 * Serial and cameras are the same code in both profiles; only their paths/URLs differ.
 */
import type { Camera } from '../../core/ports/camera.ts';
import type { DigitalInput, DigitalOutput, GpioBackend } from '../../core/ports/gpio.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import {
  createOnoffBackend,
  FolderCamera,
  HttpCamera,
  type MonitoredCamera,
  monitorCamera,
  openDigitalInput,
  openDigitalOutput,
} from '../bindings/index.ts';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import type { EdgeConfig } from '../config/schema.ts';
import type { Clock } from '../../core/ports/clock.ts';

export interface Hardware {
  readonly gpio: GpioBackend;
  /** Present in the simulated profile: simulators drive inputs and watch outputs here. */
  readonly simulated: SimulatedGpio | null;
  /** A debounced input; `activeLow` when the contact pulls the line low (typical with a pull-up). */
  input(name: string, line: number, opts?: { activeLow?: boolean }): Promise<Result<DigitalInput>>;
  output(name: string, line: number): Promise<Result<DigitalOutput>>;
  /** A camera by id, from the config override or the domain config's source. */
  camera(id: string, source: { url?: string; folder?: string }): Promise<Result<MonitoredCamera>>;
  cameras(): MonitoredCamera[];
  close(): Promise<void>;
}

export async function openHardware(
  cfg: EdgeConfig['hardware'],
  clock: Clock,
  injected?: GpioBackend,
): Promise<Result<Hardware>> {
  let gpio: GpioBackend;
  let simulated: SimulatedGpio | null = null;
  if (injected) {
    gpio = injected;
    simulated = injected instanceof SimulatedGpio ? injected : null;
  } else if (cfg.profile === 'simulated') {
    simulated = new SimulatedGpio(clock);
    gpio = simulated;
  } else {
    const backend = await createOnoffBackend();
    if (!backend.ok) return backend;
    gpio = backend.value;
  }
  const closables: { close(): Promise<void> }[] = [];
  const cams = new Map<string, MonitoredCamera>();
  const track = <T extends { close(): Promise<void> }>(r: Result<T>): Result<T> => {
    if (r.ok) closables.push(r.value);
    return r;
  };
  return ok({
    gpio,
    simulated,
    input: async (name, line, opts) =>
      track(await openDigitalInput(gpio, { name, line, debounceMs: cfg.debounceMs, ...opts }, clock)),
    output: async (name, line) => track(await openDigitalOutput(gpio, { name, line, initial: 0 })),
    async camera(id, source) {
      const existing = cams.get(id);
      if (existing) return ok(existing);
      const src = cfg.cameras[id] ?? source;
      let cam: Camera;
      if ('url' in src && src.url) cam = new HttpCamera({ name: id, url: src.url });
      else if ('folder' in src && src.folder) {
        try {
          cam = await FolderCamera.open({ name: id, dir: src.folder, clock, retain: { maxFiles: 200 } });
        } catch (e) {
          return err(new CityEdgeError('CAMERA_IO_FAILED', `camera ${id}: ${(e as Error).message}`));
        }
      } else return err(new CityEdgeError('CONFIG_CAMERA', `camera ${id}: no snapshotUrl or folder`));
      const monitored = monitorCamera(cam);
      cams.set(id, monitored);
      return ok(monitored);
    },
    cameras: () => [...cams.values()],
    async close() {
      for (const c of [...closables, ...cams.values()]) await c.close().catch(() => undefined);
    },
  });
}
