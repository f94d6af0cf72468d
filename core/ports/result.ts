/**
 * The one Result shape of the tree: errors are values at boundaries (STYLE.md). Each subsystem
 * names its own error type and may alias `Result<T, ItsError>`; nobody declares the shape again.
 */
/** `E` defaults to Error here; core/errors.ts narrows the default to CityEdgeError. */
export type Result<T = void, E = Error> = { ok: true; value: T } | { ok: false; error: E };

/** `ok()` for a step that succeeds with nothing to return (`Result<void, E>`). */
export function ok(): Result<void, never>;
export function ok<T>(value: T): Result<T, never>;
export function ok<T>(value?: T): Result<T | undefined, never> {
  return { ok: true, value };
}
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
