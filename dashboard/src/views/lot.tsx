import type { Data } from '../../../core/contract/index.ts';
import type { Session } from '../api.ts';
import type { CameraView, CityState, FeedItem } from '../state.ts';
import { CommandButton, time } from './parts.tsx';

export function LotView(props: { city: CityState; session: Session; site: string; device: string }) {
  const { city, session, site, device } = props;
  const d = city.devices[`${site}/${device}`];
  if (!d)
    return (
      <p class="muted">
        Unknown car park {site}/{device}.
      </p>
    );
  const bays = Object.values(d.bays).sort((a, b) => a.bay.localeCompare(b.bay, undefined, { numeric: true }));
  const events = city.feed.filter((f) => f.site === site && f.device === device).slice(0, 30);
  return (
    <section>
      <h2>
        Car park {site} / {device}
      </h2>
      {d.lot && (
        <p class="big">
          {d.lot.availableSpotNumber} free · {d.lot.occupiedSpotNumber} occupied · {d.lot.unknownSpotNumber}{' '}
          unknown
          {d.lot.full && <span class="tag bad">FULL</span>}
        </p>
      )}
      <div class="bays" data-testid="bays">
        {bays.map((b) => (
          <span class={`bay ${b.status} ${b.kind}`} title={`${b.bay} ${b.kind}: ${b.status}`}>
            {b.kind === 'disabled' ? '♿' : ''}
            {b.bay}
          </span>
        ))}
      </div>
      <h3>Gates</h3>
      <table>
        <tbody>
          {Object.values(d.gates).map((g) => (
            <tr>
              <td>{g.lane}</td>
              <td>{g.direction}</td>
              <td data-testid={`gate-${g.lane}`}>{g.state}</td>
              <td>barrier {g.barrier}</td>
              <td>{g.fault && <span class="tag bad">{g.fault}</span>}</td>
              <td>
                <CommandButton
                  {...{ session, site, device }}
                  command="gate.open"
                  label="open"
                  args={{ lane: g.lane, reason: 'operator' }}
                />
                <CommandButton
                  {...{ session, site, device }}
                  command="gate.close"
                  label="close"
                  args={{ lane: g.lane, reason: 'operator' }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Cameras cameras={Object.values(d.cameras)} />
      <Reviews city={city} session={session} site={site} device={device} />
      <h3>Recent events</h3>
      <EventTable items={events} />
    </section>
  );
}

/** Latest frame per camera, as the agent sends them with each plate read. */
function Cameras({ cameras }: { cameras: CameraView[] }) {
  if (cameras.length === 0) return null;
  return (
    <>
      <h3>Cameras</h3>
      <div class="cameras" data-testid="cameras">
        {cameras.map((c) => (
          <figure>
            {c.thumbnail ? (
              <img src={`data:image/jpeg;base64,${c.thumbnail}`} alt={`${c.camera} latest frame`} />
            ) : (
              <div class="noframe">no frame</div>
            )}
            <figcaption>
              {c.camera} · {time(c.ts)} · {c.plate ?? 'no plate'}
              {c.plate && ` ${Math.round(c.confidence * 100)}%`}
            </figcaption>
          </figure>
        ))}
      </div>
    </>
  );
}

export function Reviews(props: { city: CityState; session: Session; site?: string; device?: string }) {
  const items = Object.values(props.city.pendingReviews).filter(
    (r) => (!props.site || r.site === props.site) && (!props.device || r.device === props.device),
  );
  if (items.length === 0) return null;
  return (
    <>
      <h3>Waiting for an operator</h3>
      <table data-testid="reviews">
        <tbody>
          {items.map((r) => {
            const target = { session: props.session, site: r.site, device: r.device };
            return (
              <tr>
                <td>{time(r.since)}</td>
                <td>{r.lane}</td>
                <td>{r.plate ?? 'unreadable'}</td>
                <td>{r.reason}</td>
                <td>
                  <CommandButton
                    {...target}
                    command="review.decide"
                    label="approve"
                    args={{ reviewId: r.reviewId, decision: 'approve' }}
                  />
                  <CommandButton
                    {...target}
                    command="review.decide"
                    label="deny"
                    args={{ reviewId: r.reviewId, decision: 'deny' }}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
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
