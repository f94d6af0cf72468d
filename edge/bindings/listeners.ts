/**
 * Listener sets that isolate subscriber faults: a throwing listener must not crash the agent from
 * inside a serialport 'data' event or a GPIO interrupt, nor starve the other listeners. Faults are
 * reported as process warnings (visible in logs) and counted.
 */
export interface ListenerSet<A extends unknown[]> {
  add(fn: (...args: A) => void): () => void;
  emit(...args: A): void;
  clear(): void;
  /** Listener calls that threw. */
  readonly faults: number;
}

export function listenerSet<A extends unknown[]>(what: string): ListenerSet<A> {
  const set = new Set<(...args: A) => void>();
  let faults = 0;
  return {
    add(fn) {
      set.add(fn);
      return () => {
        set.delete(fn);
      };
    },
    emit(...args) {
      for (const fn of [...set]) {
        try {
          fn(...args);
        } catch (e) {
          faults++;
          process.emitWarning(`${what} listener threw: ${e instanceof Error ? e.message : String(e)}`, {
            code: 'CITYEDGE_LISTENER_FAULT',
          });
        }
      }
    },
    clear() {
      set.clear();
    },
    get faults() {
      return faults;
    },
  };
}
