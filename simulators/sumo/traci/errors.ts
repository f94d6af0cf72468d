/** Error codes of the TraCI client, grouped under `TRACI_` (core/errors.ts) so logs name the subsystem. */
import { CityEdgeError } from '../../../core/errors.ts';

export type TraciErrorCode =
  | 'TRACI_CONNECT_FAILED'
  | 'TRACI_CLOSED'
  | 'TRACI_COMMAND_FAILED'
  | 'TRACI_NOT_IMPLEMENTED'
  | 'TRACI_PROTOCOL'
  | 'TRACI_TIMEOUT'
  | 'TRACI_VERSION';

/** A TraCI failure. For `TRACI_COMMAND_FAILED` the message is SUMO's own description. */
export class TraciError extends CityEdgeError {
  constructor(
    override readonly code: TraciErrorCode,
    message: string,
    readonly commandId?: number,
  ) {
    super(code, message);
    this.name = 'TraciError';
  }
}

export function isTraciError(err: unknown): err is TraciError {
  return err instanceof TraciError;
}
