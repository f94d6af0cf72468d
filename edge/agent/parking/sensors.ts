/**
 * Bay-sensor bus → parking controller `baySensor` + `sensorReading` telemetry. Bus addresses map
 * to lot sensors by `parking.sensorAddresses`, else address N is the N-th bay of the lot (1-based).
 */
import type { LotConfig, ParkingController } from '../../../controllers/parking/index.ts';
import { ok, type Result } from '../../../core/errors.ts';
import type { SensorMessage } from '../../../core/ports/serial-frames.ts';
import { openSerialSensorBus } from '../../bindings/index.ts';
import type { FeatureContext, FeatureHealth } from '../feature.ts';

export interface BaySensors {
  health(): FeatureHealth['serial'];
  close(): Promise<void>;
}

export async function wireBaySensors(
  ctx: FeatureContext,
  lot: LotConfig,
  ctl: ParkingController,
): Promise<Result<BaySensors>> {
  const serial = ctx.config.hardware.serial ?? lot.baySensorBus;
  if (!serial) return ok({ health: () => null, close: async () => {} });
  const byAddress = sensorAddresses(ctx, lot);
  // The bus reconnects by itself (unplug/replug); opening never fails for a missing device.
  const bus = await openSerialSensorBus({ path: serial.path, baudRate: serial.baudRate, clock: ctx.clock });
  bus.onMessage(sensorHandler(ctx, ctl, byAddress));
  bus.onFrameError((e) => ctx.count(e.code, e.detail));
  return ok({
    health: () => bus.status(),
    close: () => bus.close(),
  });
}

/** Bus address → lot sensor map, as {@link wireBaySensors} builds it. */
export function sensorAddresses(ctx: FeatureContext, lot: LotConfig): Map<number, string> {
  const byAddress = new Map<number, string>();
  for (const [i, b] of lot.bays.entries()) {
    byAddress.set(ctx.config.parking?.sensorAddresses?.[b.sensor] ?? i + 1, b.sensor);
  }
  return byAddress;
}

/** One decoded bus frame → controller input + telemetry (exported for tests without a pty). */
export function sensorHandler(
  ctx: FeatureContext,
  ctl: ParkingController,
  byAddress: Map<number, string>,
): (msg: SensorMessage) => void {
  return (msg) => onSensor(ctx, ctl, byAddress, msg);
}

function onSensor(
  ctx: FeatureContext,
  ctl: ParkingController,
  byAddress: Map<number, string>,
  msg: SensorMessage,
) {
  const sensor = byAddress.get(msg.sensorId);
  if (!sensor) {
    ctx.count('SERIAL_UNKNOWN_SENSOR', `bus address ${msg.sensorId} is not a bay of this lot`);
    return;
  }
  const params = { sensor };
  switch (msg.type) {
    case 'occupancy':
      ctl.baySensor(sensor, { occupied: msg.occupied });
      return ctx.publisher.publish('sensorReading', params, {
        sensor,
        kind: 'occupancy',
        occupied: msg.occupied,
        raw: msg.raw,
      });
    case 'status':
      if (msg.status === 'fault') ctl.baySensor(sensor, { state: 'fault' });
      return ctx.publisher.publish('sensorReading', params, {
        sensor,
        kind: 'status',
        status: msg.status,
        raw: msg.faultCode,
      });
    case 'battery':
      return ctx.publisher.publish('sensorReading', params, {
        sensor,
        kind: 'battery',
        batteryMv: msg.millivolts,
        raw: msg.percent,
      });
    case 'heartbeat':
      // Sensors report occupancy on change only: without this a bay with a parked car would go
      // `unknown` after `occupancy.sensorSilenceMs` although its sensor is alive.
      ctl.baySensor(sensor, { heartbeat: true });
      return ctx.publisher.publish('sensorReading', params, { sensor, kind: 'heartbeat', raw: msg.seq });
  }
}
