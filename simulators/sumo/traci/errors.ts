/** Error codes of the TraCI client, grouped under `TRACI_` so logs name the subsystem. */
export type TraciErrorCode =
  | 'TRACI_CONNECT_FAILED'
  | 'TRACI_CLOSED'
  | 'TRACI_COMMAND_FAILED'
  | 'TRACI_NOT_IMPLEMENTED'
  | 'TRACI_PROTOCOL'
  | 'TRACI_TIMEOUT'
  | 'TRACI_VERSION';

/** A TraCI failure. For `TRACI_COMMAND_FAILED` the message is SUMO's own description. */
export class TraciError extends Error {
  override readonly name = 'TraciError';
  constructor(
    readonly code: TraciErrorCode,
    message: string,
    readonly commandId?: number,
  ) {
    super(message);
  }
}

export function isTraciError(err: unknown): err is TraciError {
  return err instanceof TraciError;
}
