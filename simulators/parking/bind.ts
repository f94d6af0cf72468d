/**
 * Binds the controller to the GPIO backend and the serial sensor bus the way the edge agent does:
 * lane inputs → `loop`/`limit`, outputs → relay lines, bus address N → N-th bay's sensor.
 */
import type { LotConfig, ParkingController } from '../../controllers/parking/index.ts';
import type { GpioBackend, Level, RawOutputLine } from '../../core/ports/gpio.ts';
import type { SerialSensorBus } from '../../core/ports/serial.ts';

const pin = (p: number | string) => (typeof p === 'number' ? p : Number.parseInt(p, 10));

export async function bindController(o: {
  lot: LotConfig;
  ctl: ParkingController;
  gpio: GpioBackend;
  bus: SerialSensorBus;
}): Promise<() => Promise<void>> {
  const { lot, ctl, gpio, bus } = o;
  const closers: Array<() => Promise<void> | void> = [];
  const outputs = new Map<string, RawOutputLine>();
  for (const lane of lot.lanes) {
    const inputs: Array<[number | string, (on: boolean) => unknown]> = [
      [lane.armingLoop.input, (on) => ctl.loop(lane.id, 'arming', on)],
      [lane.safety.input, (on) => ctl.loop(lane.id, 'safety', on)],
      [lane.barrier.openLimit, (on) => ctl.limit(lane.id, 'open', on)],
      [lane.barrier.closedLimit, (on) => ctl.limit(lane.id, 'closed', on)],
    ];
    for (const [p, handler] of inputs) {
      const line = await gpio.openInput(pin(p));
      if (!line.ok) throw line.error;
      closers.push(line.value.onChange((level: Level) => handler(level === 1)));
      closers.push(() => line.value.close());
    }
    const outs: Array<[string, number | string | undefined]> = [
      ['barrier', lane.barrier.output],
      ['light', lane.warningLight?.output],
      ['sign', lane.fullSign?.output],
    ];
    for (const [what, p] of outs) {
      if (p === undefined) continue;
      const line = await gpio.openOutput(pin(p), 0);
      if (!line.ok) throw line.error;
      outputs.set(`${lane.id}.${what}`, line.value);
      closers.push(() => line.value.close());
    }
  }
  const write = (key: string, level: Level) => void outputs.get(key)?.write(level);
  closers.push(
    ctl.onOutput((out) => {
      switch (out.type) {
        case 'barrier.raise':
        case 'barrier.lower':
          return write(`${out.laneId}.barrier`, out.type === 'barrier.raise' ? 1 : 0);
        case 'light.flash':
        case 'light.off':
          return write(`${out.laneId}.light`, out.type === 'light.flash' ? 1 : 0);
        case 'sign.full':
          return write(`${out.laneId}.sign`, out.on ? 1 : 0);
        default:
          return;
      }
    }),
  );
  const sensorByAddress = new Map(lot.bays.map((b, i) => [i + 1, b.sensor]));
  closers.push(
    bus.onMessage((msg) => {
      const sensor = sensorByAddress.get(msg.sensorId);
      if (!sensor) return;
      if (msg.type === 'occupancy') ctl.baySensor(sensor, { occupied: msg.occupied });
      else if (msg.type === 'heartbeat') ctl.baySensor(sensor, { heartbeat: true });
      else if (msg.type === 'status' && msg.status === 'fault') ctl.baySensor(sensor, { state: 'fault' });
    }),
  );
  return async () => {
    for (const c of closers.reverse()) await c();
  };
}
