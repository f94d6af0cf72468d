/** Types shared by the client and its domain helpers (kept apart to avoid an import cycle). */
import type { TraciReader, TraciValue, TraciWriter } from './codec.ts';

export type { Position, TraciReader, TraciValue } from './codec.ts';

/** Low-level access the domain helpers need from the client. */
export interface TraciTransport {
  get(getCommand: number, variable: number, objectId: string): Promise<TraciValue>;
  getReader(getCommand: number, variable: number, objectId: string): Promise<TraciReader>;
  set(
    setCommand: number,
    variable: number,
    objectId: string,
    params: (w: TraciWriter) => void,
  ): Promise<void>;
}
