import { MinHeap } from './heap.ts';

interface DetState {
  pulses: number;
  held: boolean;
  reported: boolean;
}

interface Edge {
  t: number;
  id: string;
  delta: 1 | -1;
  seq: number;
}

export type DetectorSink = (id: string, on: boolean, tS: number) => void;

/**
 * Detector occupancy: a detector is on while any vehicle is over it (pulses) or a standing queue
 * covers it (held). Edges are delivered in time order, sub-step pulses included, so a 1 s step
 * still reports every passage.
 */
export function createDetectorBank(ids: Iterable<string>, sink: DetectorSink) {
  const state = new Map<string, DetState>();
  for (const id of ids) state.set(id, { pulses: 0, held: false, reported: false });
  const heap = new MinHeap<Edge>();
  let seq = 0;
  let edges = 0;

  const report = (id: string, s: DetState, tS: number) => {
    const on = s.pulses > 0 || s.held;
    if (on !== s.reported) {
      s.reported = on;
      edges += 1;
      sink(id, on, tS);
    }
  };

  return {
    has: (id: string) => state.has(id),
    /** Vehicle over detector `id` during [onS, offS). */
    pulse(id: string, onS: number, offS: number): void {
      if (!state.has(id) || !(offS > onS)) return;
      heap.push({ t: onS, id, delta: 1, seq: seq++ });
      heap.push({ t: offS, id, delta: -1, seq: seq++ });
    },
    /** Applies every edge before `untilS` in time order. */
    flush(untilS: number): void {
      for (let e = heap.peek(); e !== undefined && e.t < untilS; e = heap.peek()) {
        heap.pop();
        const s = state.get(e.id)!;
        s.pulses += e.delta;
        report(e.id, s, e.t);
      }
    },
    setHeld(id: string, held: boolean, tS: number): void {
      const s = state.get(id);
      if (!s || s.held === held) return;
      s.held = held;
      report(id, s, tS);
    },
    isOn: (id: string): boolean => state.get(id)?.reported ?? false,
    edgeCount: () => edges,
  };
}

export type DetectorBank = ReturnType<typeof createDetectorBank>;
