/**
 * The review queue: plate reads waiting for an operator (unreadable, unknown, blocklisted …), each
 * with its lane camera's last frame so the operator sees the car before approving or denying.
 */
import type { Session } from '../../api.ts';
import type { CityState } from '../../state.ts';
import { CommandButton, time } from '../parts.tsx';

export function Reviews(props: { city: CityState; session: Session; site?: string; device?: string }) {
  const items = Object.values(props.city.pendingReviews)
    .filter((r) => (!props.site || r.site === props.site) && (!props.device || r.device === props.device))
    .sort((a, b) => a.since - b.since);
  if (items.length === 0) return null;
  return (
    <section class="reviews">
      <h3>
        Review queue <span class="badge">{items.length}</span>
      </h3>
      <table data-testid="reviews">
        <tbody>
          {items.map((r) => {
            const target = { session: props.session, site: r.site, device: r.device };
            const cams = Object.values(props.city.devices[`${r.site}/${r.device}`]?.cameras ?? {});
            const frame = cams.find((c) => c.lane === r.lane)?.frame;
            return (
              <tr data-review={r.reviewId}>
                <td>{time(r.since)}</td>
                <td>
                  {r.site}/{r.device}
                </td>
                <td>{r.lane}</td>
                <td>
                  {frame && (
                    <img
                      class="thumb"
                      src={`data:image/jpeg;base64,${frame.thumbnail}`}
                      alt={`${r.lane} camera, ${time(frame.ts)}`}
                    />
                  )}
                </td>
                <td>
                  <strong>{r.plate ?? 'unreadable'}</strong>
                  {r.confidence !== undefined && <small> {Math.round(r.confidence * 100)}%</small>}
                </td>
                <td>{r.reason}</td>
                <td>
                  <CommandButton
                    {...target}
                    command="review.decide"
                    label="approve"
                    confirm={`Approve ${r.plate ?? 'the unreadable plate'} at ${r.lane} and open the barrier?`}
                    args={{ reviewId: r.reviewId, decision: 'approve' }}
                  />
                  <CommandButton
                    {...target}
                    command="review.decide"
                    label="deny"
                    confirm={`Deny ${r.plate ?? 'the unreadable plate'} at ${r.lane}?`}
                    args={{ reviewId: r.reviewId, decision: 'deny' }}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
