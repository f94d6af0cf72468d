import { type CityState, overview } from '../state.ts';
import { Heads } from './parts.tsx';

export function OverviewView({ city }: { city: CityState }) {
  const o = overview(city);
  return (
    <section>
      <h2>Car parks</h2>
      <div class="cards">
        {o.lots.length === 0 && <p class="muted">No car park has reported yet.</p>}
        {o.lots.map((d) => (
          <a
            class={`card ${d.lot?.full ? 'full' : ''}`}
            href={`#/lot/${d.site}/${d.device}`}
            data-testid={`lot-${d.site}-${d.device}`}
          >
            <h3>
              {d.site} / {d.device} {d.online === false && <span class="tag bad">offline</span>}
            </h3>
            <p class="big">
              <span data-testid="available">{d.lot?.availableSpotNumber}</span>
              <small> / {d.lot?.totalSpotNumber} free</small>
            </p>
            <p>
              {d.lot?.full && <span class="tag bad">FULL</span>} disabled bays free:{' '}
              {d.lot?.disabled.available}/{d.lot?.disabled.total}
              {d.lot && d.lot.drift !== 0 && <span class="tag warn"> drift {d.lot.drift}</span>}
              {d.lot && d.lot.unknownSpotNumber > 0 && (
                <span class="tag warn"> {d.lot.unknownSpotNumber} unknown</span>
              )}
            </p>
          </a>
        ))}
      </div>
      <h2>Intersections</h2>
      <div class="cards">
        {o.intersections.length === 0 && <p class="muted">No intersection has reported yet.</p>}
        {o.intersections.map(({ device, id, x }) => (
          <a
            class="card"
            href={`#/intersection/${device.site}/${device.device}/${id}`}
            data-testid={`ix-${id}`}
          >
            <h3>
              {id} <small>{x.heads?.mode}</small>
            </h3>
            {x.heads && <Heads groups={x.heads.groups} />}
            {x.alarms[0]?.latched && <span class="tag bad">{x.alarms[0].kind}</span>}
          </a>
        ))}
      </div>
      {city.rejected > 0 && (
        <p class="muted" title={city.lastError ?? ''}>
          {city.rejected} malformed messages ignored
        </p>
      )}
    </section>
  );
}
