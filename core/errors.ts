/**
 * Errors at CityEdge boundaries are values with a code grouped by subsystem (zwave-js style),
 * so a caller can count and report them without parsing messages.
 */
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

export type Result<T, E = CityEdgeError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
