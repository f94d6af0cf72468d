/**
 * Errors at CityEdge boundaries are values with a code grouped by subsystem (zwave-js style),
 * so a caller can count and report them without parsing messages.
 */
import type { Result as PortResult } from './ports/result.ts';

export type ErrorCode =
  | `CONFIG_${string}`
  | `CONTRACT_${string}`
  | `SERIAL_${string}`
  | `GPIO_${string}`
  | `CAMERA_${string}`
  | `LPR_${string}`
  | `UPLINK_${string}`
  | `QUEUE_${string}`
  | `BROKER_${string}`
  | `INGEST_${string}`
  | `API_${string}`
  | `SIM_${string}`
  | `TRACI_${string}`;

export class CityEdgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CityEdgeError';
  }
}

/** core's one Result shape (core/ports/result.ts) with the boundary error by default. */
export type Result<T, E = CityEdgeError> = PortResult<T, E>;
export { err, ok } from './ports/result.ts';
