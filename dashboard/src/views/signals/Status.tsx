/** The preemption banner, the detector-call chips and the counts table of the intersection view. */
import type { Data } from '../../../../core/contract/index.ts';
import { type Calls, countRows, type PreemptBanner as Banner, VEHICLE_CLASSES } from './model.ts';

export function PreemptBanner({ banner }: { banner: Banner | null }) {
  if (!banner) return null;
  const eta =
    banner.etaS === null ? null : banner.etaS > 0 ? `ETA ${banner.etaS} s` : `due ${-banner.etaS} s ago`;
  return (
    <div class={`preempt-banner${banner.active ? ' active' : ''}`} role="status" data-testid="preempt-banner">
      <strong>{banner.active ? 'PREEMPTION' : 'Emergency vehicle approaching'}</strong>
      {banner.vehicleId && <span> · {banner.vehicleId}</span>}
      {banner.routeId && <span> on {banner.routeId}</span>}
      {eta && <span class="eta"> · {eta}</span>}
    </div>
  );
}

export function DetectorCalls({ calls }: { calls: Calls }) {
  if (calls.channels.length === 0)
    return <p class="muted">No detector events yet (Indiana 81/82 in the hi-res log).</p>;
  return (
    <div class="detectors" data-testid="detectors">
      {calls.channels.map((ch) => {
        const on = calls.detectors.has(ch);
        return (
          <span class={`det${on ? ' on' : ''}`} data-channel={ch} data-on={on ? 'true' : 'false'}>
            det {ch}
          </span>
        );
      })}
    </div>
  );
}

export function CountsTable({ counts }: { counts: Data<'counts'> | undefined }) {
  const rows = countRows(counts);
  if (!counts || rows.length === 0)
    return <p class="muted">Counts: the first 15-minute period has not ended.</p>;
  const period = `${new Date(counts.periodStart).toLocaleTimeString()} + ${Math.round(counts.periodS / 60)} min`;
  return (
    <table class="counts" data-testid="counts">
      <caption>Counts by movement and vehicle class, {period}</caption>
      <thead>
        <tr>
          <th>movement</th>
          {VEHICLE_CLASSES.map((c) => (
            <th>{c}</th>
          ))}
          <th>total</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>{r.movement}</td>
            {VEHICLE_CLASSES.map((c) => (
              <td class="num">{r.byClass[c] ?? 0}</td>
            ))}
            <td class="num">
              <strong>{r.total}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
