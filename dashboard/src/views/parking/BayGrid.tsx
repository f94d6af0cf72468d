/** The bay grid: one tile per bay in lot order, disabled bays marked, standing violations flashing. */
import type { Data } from '../../../../core/contract/index.ts';

type Bay = Data<'parkingBay'>;

const KIND_MARK: Record<Bay['kind'], string> = { regular: '', disabled: '♿', ev: '⚡', reserved: 'R' };

export function BayGrid({ bays, violations }: { bays: Bay[]; violations: Set<string> }) {
  const sorted = [...bays].sort((a, b) => a.bay.localeCompare(b.bay, undefined, { numeric: true }));
  const count = (s: Bay['status']) => sorted.filter((b) => b.status === s).length;
  return (
    <section class="baygrid">
      <div class="bays" data-testid="bays">
        {sorted.map((b) => {
          const violation = violations.has(b.bay);
          return (
            <span
              class={`bay ${b.status} ${b.kind}${violation ? ' violation' : ''}`}
              title={`${b.bay} ${b.kind}: ${b.status}${violation ? ' — disabled-bay violation' : ''}`}
              data-bay={b.bay}
              data-status={b.status}
            >
              {KIND_MARK[b.kind] && <span class="mark">{KIND_MARK[b.kind]}</span>}
              {b.bay}
            </span>
          );
        })}
      </div>
      <p class="legend muted">
        <span class="bay-key free" /> free {count('free')} <span class="bay-key occupied" /> occupied{' '}
        {count('occupied')} <span class="bay-key unknown" /> unknown {count('unknown')}{' '}
        <span class="bay-key closed" /> closed {count('closed')} · ♿ disabled
        {violations.size > 0 && <strong class="bad"> · {violations.size} violation(s)</strong>}
      </p>
    </section>
  );
}
