/**
 * Error values for the hardware bindings. Codes are grouped by subsystem (zwave-js style) so that
 * health telemetry and logs can count them without parsing messages.
 */
export type SerialErrorCode =
  | 'SERIAL_BAD_CRC'
  | 'SERIAL_BAD_LENGTH'
  | 'SERIAL_UNKNOWN_TYPE'
  | 'SERIAL_BAD_PAYLOAD'
  | 'SERIAL_OPEN_FAILED'
  | 'SERIAL_DISCONNECTED'
  | 'SERIAL_WRITE_FAILED'
  | 'SERIAL_NOT_CONNECTED';

export type GpioErrorCode =
  | 'GPIO_SYSFS_MISSING'
  | 'GPIO_CHIP_NOT_FOUND'
  | 'GPIO_LINE_OUT_OF_RANGE'
  | 'GPIO_UNAVAILABLE'
  | 'GPIO_LINE_BUSY'
  | 'GPIO_IO_FAILED'
  | 'GPIO_CLOSED';

export type CameraErrorCode =
  | 'CAMERA_TIMEOUT'
  | 'CAMERA_HTTP_STATUS'
  | 'CAMERA_NOT_JPEG'
  | 'CAMERA_NETWORK'
  | 'CAMERA_NO_FRAME'
  | 'CAMERA_IO_FAILED'
  | 'CAMERA_CLOSED';

export type BindingErrorCode = SerialErrorCode | GpioErrorCode | CameraErrorCode;

/** An Error with a stable code; usable as a thrown rejection or as a plain value in a Result. */
export class BindingError extends Error {
  readonly code: BindingErrorCode;
  override readonly cause: unknown;

  constructor(code: BindingErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'BindingError';
    this.code = code;
    this.cause = cause;
  }
}

export type Result<T, E = BindingError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

export function isBindingError(e: unknown): e is BindingError {
  return e instanceof BindingError;
}

/** Wraps any thrown value into a BindingError with the given code (keeps an existing BindingError). */
export function toBindingError(e: unknown, code: BindingErrorCode, context: string): BindingError {
  if (e instanceof BindingError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new BindingError(code, `${context}: ${msg}`, e);
}
