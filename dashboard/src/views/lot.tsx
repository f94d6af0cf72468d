/**
 * One car park as its operator watches it: counts, the bay grid (disabled bays marked, standing
 * violations flashing), barriers per lane, the camera wall with plate boxes, the review queue,
 * the in/out log searchable by plate and occupancy over time. Pieces live in views/parking/.
 */
import { useState } from 'preact/hooks';
import type { Data } from '../../../core/contract/index.ts';
import type { Session } from '../api.ts';
import { DEFAULT_RANGE } from '../charts/data.ts';
import { RangePicker } from '../charts/RangePicker.tsx';
import type { CityState, FeedItem } from '../state.ts';
import { OccupancyChart } from './occupancy.tsx';
import { BayGrid } from './parking/BayGrid.tsx';
import { Cameras } from './parking/Cameras.tsx';
import { Gates } from './parking/Gates.tsx';
import { InOutLog } from './parking/InOutLog.tsx';
import { standingViolations } from './parking/model.ts';
import { time } from './parts.tsx';

// The review queue is shared with the events view.
export { Reviews } from './parking/Reviews.tsx';

import { Reviews } from './parking/Reviews.tsx';

export function LotView(props: { city: CityState; session: Session; site: string; device: string }) {
  const { city, session, site, device } = props;
  const [range, setRange] = useState(DEFAULT_RANGE);
  const d = city.devices[`${site}/${device}`];
  if (!d)
    return (
      <p class="muted">
        Unknown car park {site}/{device}.
      </p>
    );
  const bays = Object.values(d.bays);
  const lot = d.lot;
  return (
    <section class="lot" data-testid={`lotview-${site}-${device}`}>
      <h2>
        Car park {site} / {device}
        {lot?.full && <span class="tag bad">FULL</span>}
      </h2>
      {lot && (
        <p class="big">
          <strong>{lot.availableSpotNumber}</strong> free of {lot.totalSpotNumber} · {lot.occupiedSpotNumber}{' '}
          occupied · {lot.unknownSpotNumber} unknown · ♿ {lot.disabled.available}/{lot.disabled.total} free
          {lot.drift !== 0 && <small class="muted"> · gate/sensor drift {lot.drift}</small>}
        </p>
      )}
      <BayGrid bays={bays} violations={standingViolations(bays, city.feed, site, device)} />
      <div class="lot-columns">
        <Gates gates={Object.values(d.gates)} session={session} site={site} device={device} />
        <Cameras cameras={Object.values(d.cameras)} />
      </div>
      <Reviews city={city} session={session} site={site} device={device} />
      <InOutLog city={city} session={session} site={site} device={device} />
      <h3>Occupancy</h3>
      <RangePicker value={range} onChange={setRange} testid="occupancy-range" />
      <OccupancyChart session={session} site={site} lot={device} range={range} />
    </section>
  );
}

/** The fields any feed item may carry (parking event, plate read or signal alarm). */
type FeedFields = Partial<Pick<Data<'parkingEvent'>, 'lane' | 'bay' | 'stayS' | 'reason'>> &
  Partial<Pick<Data<'lprRead'>, 'confidence' | 'thumbnail'>> & {
    kind?: string;
    plate?: string | null;
    detail?: string;
  };

export function EventTable({ items }: { items: FeedItem[] }) {
  return (
    <table class="events">
      <tbody>
        {items.map((f) => {
          const d = f.data as FeedFields;
          const label = f.kind === 'lprRead' ? 'plate read' : d.kind;
          return (
            <tr class={f.kind}>
              <td>{time(f.ts)}</td>
              <td>
                {f.site}/{f.device}
              </td>
              <td>{label}</td>
              <td>{d.lane ?? d.bay ?? ''}</td>
              <td>
                {d.plate ?? ''}
                {d.confidence !== undefined && <small> {Math.round(d.confidence * 100)}%</small>}
              </td>
              <td>
                {d.stayS !== undefined && `stay ${Math.round(d.stayS / 60)} min `}
                {d.reason ?? d.detail ?? ''}
                {d.thumbnail && (
                  <img class="thumb" src={`data:image/jpeg;base64,${d.thumbnail}`} alt="plate" />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
