/**
 * Camera port: one JPEG frame per call. Sources: HTTP snapshot (IP cameras), a watched upload
 * folder (FTP-push cameras) and an in-memory source for simulators and tests.
 */
export interface Camera {
  readonly name: string;
  /**
   * Resolves with a complete JPEG, or rejects with a BindingError whose code is one of
   * CAMERA_TIMEOUT, CAMERA_HTTP_STATUS, CAMERA_NOT_JPEG, CAMERA_NETWORK, CAMERA_NO_FRAME,
   * CAMERA_IO_FAILED, CAMERA_CLOSED.
   */
  snapshot(): Promise<Buffer>;
  close(): Promise<void>;
}

/** Axis-aligned box in frame pixels: [x, y, width, height]. */
export type Box = [x: number, y: number, w: number, h: number];

export interface CameraStatus {
  name: string;
  /** Last snapshot succeeded. Null before the first attempt. */
  ok: boolean | null;
  lastErrorCode: string | null;
  snapshots: number;
  failures: number;
}

/** JPEG starts with SOI (FF D8 FF) and ends with EOI (FF D9) — ITU-T T.81 markers. */
export function isJpeg(buf: Uint8Array): boolean {
  return (
    buf.length >= 4 &&
    buf[0] === 0xff &&
    buf[1] === 0xd8 &&
    buf[2] === 0xff &&
    buf[buf.length - 2] === 0xff &&
    buf[buf.length - 1] === 0xd9
  );
}
