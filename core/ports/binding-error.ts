/**
 * Error values for the hardware bindings. Codes are grouped by subsystem (zwave-js style) so that
 * health telemetry and logs can count them without parsing messages.
 */
import { CityEdgeError, type Result as CoreResult, err, ok } from '../errors.ts';

export type SerialErrorCode =
  | 'SERIAL_BAD_CRC'
  | 'SERIAL_BAD_LENGTH'
  | 'SERIAL_UNKNOWN_TYPE'
  | 'SERIAL_BAD_PAYLOAD'
  | 'SERIAL_OVERLAP'
  | 'SERIAL_TORN'
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

/**
 * A CityEdgeError narrowed to binding codes; usable as a thrown rejection or as a plain value in a
 * Result. `details` keeps the underlying cause (errno error, fetch error…).
 */
export class BindingError extends CityEdgeError {
  declare readonly code: BindingErrorCode;

  constructor(code: BindingErrorCode, message: string, details?: unknown) {
    super(code, message, details);
    this.name = 'BindingError';
  }
}

export type Result<T, E = BindingError> = CoreResult<T, E>;
export { err, ok };

export function isBindingError(e: unknown): e is BindingError {
  return e instanceof BindingError;
}

/** Wraps any thrown value into a BindingError with the given code (keeps an existing BindingError). */
export function toBindingError(e: unknown, code: BindingErrorCode, context: string): BindingError {
  if (e instanceof BindingError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new BindingError(code, `${context}: ${msg}`, e);
}
