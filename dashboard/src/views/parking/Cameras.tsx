/**
 * The camera wall: each camera's last frame with the plate box drawn over it and the read beside.
 * Frames come retained (`camera/{camera}/frame`), so they show on opening the page; a newer read
 * that came without a frame leaves the earlier frame dimmed and labelled with its own time.
 */
import type { CameraView } from '../../state.ts';
import { time } from '../parts.tsx';
import { boxPercent } from './model.ts';

const pct = (v: number) => `${v.toFixed(2)}%`;

function Frame({ c }: { c: CameraView }) {
  const f = c.frame;
  if (!f) return <div class="noframe">no frame yet</div>;
  const box = boxPercent(f.box, f.frameSize);
  const earlier = f.ts < c.ts;
  return (
    <div class={`frame${earlier ? ' earlier' : ''}`}>
      <img src={`data:image/jpeg;base64,${f.thumbnail}`} alt={`${c.camera} frame of ${time(f.ts)}`} />
      {box && (
        <div
          class="platebox"
          data-testid="platebox"
          style={{ left: pct(box.left), top: pct(box.top), width: pct(box.width), height: pct(box.height) }}
        >
          <span>{f.plate ?? '?'}</span>
        </div>
      )}
      {earlier && <div class="frame-note">frame of {time(f.ts)}</div>}
    </div>
  );
}

export function Cameras({ cameras }: { cameras: CameraView[] }) {
  if (cameras.length === 0) return null;
  return (
    <section>
      <h3>Cameras</h3>
      <div class="cameras" data-testid="cameras">
        {[...cameras]
          .sort((a, b) => a.camera.localeCompare(b.camera))
          .map((c) => (
            <figure data-camera={c.camera}>
              <Frame c={c} />
              <figcaption>
                <strong>{c.camera}</strong>
                {c.lane && ` · ${c.lane}`}
                {c.bay && ` · bay ${c.bay}`} · {time(c.ts)} ·{' '}
                <span class="read" data-testid="read">
                  {c.plate ?? 'no plate'}
                </span>
                {c.plate && ` ${Math.round(c.confidence * 100)}%`}
              </figcaption>
            </figure>
          ))}
      </div>
    </section>
  );
}
