/**
 * Errors at the parking controller's boundaries are values, never throws: each carries a stable
 * code (grouped by subsystem) so the edge can count them and the dashboard can explain them.
 */
import type { Result } from '../../core/ports/result.ts';

export type ParkingErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_YAML'
  | 'REGISTRY_INVALID'
  | 'READING_MALFORMED'
  | 'SENSOR_UNKNOWN'
  | 'SENSOR_FAULT'
  | 'LANE_UNKNOWN'
  | 'BAY_UNKNOWN'
  | 'PLATE_MALFORMED'
  | 'PLATE_UNEXPECTED'
  | 'COMMAND_INVALID'
  | 'REVIEW_UNKNOWN';

export interface ParkingError {
  code: ParkingErrorCode;
  message: string;
  /** Dotted path of the offending field, e.g. `lanes.0.barrier.output`. */
  field?: string;
}

/** A config or registry parse: every field issue at once, so the error is a list. */
export type ConfigResult<T> = Result<T, ParkingError[]>;

export function fail(code: ParkingErrorCode, message: string, field?: string): ParkingError {
  return field === undefined ? { code, message } : { code, message, field };
}
