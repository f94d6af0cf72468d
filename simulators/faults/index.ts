/**
 * Fault injection for tests and the simulators: sensor dropouts and corrupted bytes on the serial
 * bay bus, chattering and stuck detectors on GPIO lines, hung IP-camera snapshots.
 */
export { type FlakyCamera, startFlakyCamera } from './camera.ts';
export { type DeviceLines, FaultyLines } from './detectors.ts';
export {
  type CorruptingSink,
  type FrameSink,
  type SensorDropouts,
  corruptBytes,
  corruptingSink,
  sensorDropouts,
} from './serial.ts';
export {
  GARBAGE_KINDS,
  type GarbageCounts,
  type GarbageKind,
  garbage,
  garbageSource,
} from './serial-fuzz.ts';
