/**
 * In/out log: every entry and exit with plate, lane, time, decision, confidence and frame; an exit
 * closes the stay of the matching entry (exact plate, else one OCR character off; ties flagged).
 */
import { matchPlate } from './plate.ts';

export interface LogRecord {
  seq: number;
  kind: 'entry' | 'exit';
  laneId: string;
  at: number;
  /** Normalised plate as read; null when unread (tailgater, camera failure). */
  plate: string | null;
  /** Decision reason (`registered`, `public`, `exit`, `operator`, `tailgate`, `review` …). */
  decision: string;
  confidence: number | null;
  frameRef: string | null;
  /** Exits: the entry this exit closes. */
  entrySeq?: number;
  /** Exits: the plate recorded at entry (may differ by one character). */
  matchedPlate?: string;
  match?: 'exact' | 'fuzzy' | 'ambiguous' | 'none';
  /** Exits: stay duration in ms when matched. */
  stayMs?: number;
  /** Flags for the operator: `ambiguous-match`, `unmatched-exit`, `tailgate`, `unread-plate`. */
  flags: string[];
}

export type EntryInput = Pick<LogRecord, 'laneId' | 'at' | 'plate' | 'decision' | 'confidence' | 'frameRef'>;

export class InOutLog {
  private seq = 0;
  private readonly records: LogRecord[] = [];
  /** Entries whose vehicle has not left yet, by seq. */
  private readonly inside = new Map<number, LogRecord>();

  constructor(private readonly maxRecords = 10_000) {}

  entry(input: EntryInput, flags: string[] = []): LogRecord {
    const rec: LogRecord = { ...input, seq: ++this.seq, kind: 'entry', flags: [...flags] };
    if (rec.plate === null) rec.flags.push('unread-plate');
    this.inside.set(rec.seq, rec);
    return this.push(rec);
  }

  exit(input: EntryInput, flags: string[] = []): LogRecord {
    const rec: LogRecord = { ...input, seq: ++this.seq, kind: 'exit', flags: [...flags] };
    if (rec.plate === null) {
      rec.flags.push('unread-plate');
      rec.match = 'none';
      return this.push(rec);
    }
    const byPlate = new Map<string, LogRecord>();
    for (const e of this.inside.values())
      if (e.plate !== null && !byPlate.has(e.plate)) byPlate.set(e.plate, e);
    const m = matchPlate(rec.plate, byPlate.keys());
    rec.match = m.kind;
    if (m.kind === 'exact' || m.kind === 'fuzzy') {
      const entry = byPlate.get(m.plate)!;
      this.inside.delete(entry.seq);
      rec.entrySeq = entry.seq;
      rec.matchedPlate = entry.plate ?? undefined;
      rec.stayMs = rec.at - entry.at;
    } else if (m.kind === 'ambiguous') {
      rec.flags.push('ambiguous-match');
    } else {
      rec.flags.push('unmatched-exit');
    }
    return this.push(rec);
  }

  /** Entries still inside (open stays), oldest first. */
  openStays(): LogRecord[] {
    return [...this.inside.values()];
  }

  tail(n: number): LogRecord[] {
    return this.records.slice(-n);
  }

  all(): readonly LogRecord[] {
    return this.records;
  }

  private push(rec: LogRecord): LogRecord {
    this.records.push(rec);
    if (this.records.length > this.maxRecords) this.records.shift();
    return rec;
  }
}
