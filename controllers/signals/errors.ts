/** Errors as values: every rejection carries a code grouped by subsystem and, where known, the field. */
import type { Result as CoreResult } from '../../core/ports/result.ts';
export type SignalErrorCode =
  | 'CONFIG_PARSE'
  | 'CONFIG_INVALID'
  | 'CONFIG_IO'
  | 'DETECTOR_UNKNOWN'
  | 'PRIORITY_UNKNOWN_TARGET'
  | 'PRIORITY_BAD_REQUEST'
  | 'PRIORITY_UNKNOWN_VEHICLE'
  | 'COMMAND_INVALID'
  | 'TIMING_OUT_OF_BOUNDS'
  | 'TIMING_UNKNOWN_PHASE'
  | 'NOT_RUNNING';

export interface FieldIssue {
  /** Field path in the file, e.g. `phases[3].yellowS`. */
  path: string;
  message: string;
}

export interface SignalError {
  code: SignalErrorCode;
  message: string;
  issues?: FieldIssue[];
}

/** core's one Result shape, with the signal controller's error. */
export type Result<T = void> = CoreResult<T, SignalError>;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(
  code: SignalErrorCode,
  message: string,
  issues?: FieldIssue[],
): Result<T> => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});

/** `['phases', 3, 'yellowS']` → `phases[3].yellowS`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}
