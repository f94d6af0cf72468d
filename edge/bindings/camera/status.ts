/** Wraps a Camera to keep the status health telemetry reports (ok / error / timeout / unknown). */
import { isBindingError } from '../../../core/ports/binding-error.ts';
import type { Camera, CameraStatus } from '../../../core/ports/camera.ts';

export type CameraHealth = 'ok' | 'error' | 'timeout' | 'unknown';

export interface MonitoredCamera extends Camera {
  status(): CameraStatus;
  health(): CameraHealth;
}

export function monitorCamera(camera: Camera): MonitoredCamera {
  const s: CameraStatus = { name: camera.name, ok: null, lastErrorCode: null, snapshots: 0, failures: 0 };
  return {
    name: camera.name,
    snapshot: async () => {
      try {
        const frame = await camera.snapshot();
        s.ok = true;
        s.snapshots++;
        return frame;
      } catch (e) {
        s.ok = false;
        s.failures++;
        s.lastErrorCode = isBindingError(e) ? e.code : 'CAMERA_IO_FAILED';
        throw e;
      }
    },
    close: () => camera.close(),
    status: () => ({ ...s }),
    health: () => {
      if (s.ok === null) return 'unknown';
      if (s.ok) return 'ok';
      return s.lastErrorCode === 'CAMERA_TIMEOUT' ? 'timeout' : 'error';
    },
  };
}
