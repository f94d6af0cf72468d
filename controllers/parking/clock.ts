/** The only time source of the controller: XState's `SimulatedClock` satisfies it in tests. */
export interface ParkingClock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}
