/**
 * One camera read, the same for lane and bay cameras: snapshot → LPR → frame kept on the edge
 * (retention) → `lprRead` telemetry with the frame reference and a thumbnail. Every failure is
 * counted; the caller gets what the controller needs, or null when there was no frame.
 */
import { isPlausiblePlate } from '../../../core/plate.ts';
import type { MonitoredCamera } from '../../bindings/index.ts';
import type { FrameStore, SavedFrame } from '../../frames/index.ts';
import type { PlateReader, PlateReadResult } from '../../lpr/index.ts';
import type { FeatureContext } from '../feature.ts';

/** The plate reader and the frame store, when LPR runs. */
export interface Lpr {
  reader: PlateReader | null;
  frames: FrameStore | null;
}

export interface CameraRead {
  plate: string | null;
  read: PlateReadResult;
  frameRef: string;
}

export async function readCamera(
  ctx: FeatureContext,
  camera: MonitoredCamera,
  reader: PlateReader,
  frames: FrameStore | null,
  where: { lane?: string; bay?: string },
): Promise<CameraRead | null> {
  let frame: Buffer;
  try {
    frame = await camera.snapshot();
  } catch (e) {
    ctx.count((e as { code?: string }).code ?? 'CAMERA_IO_FAILED', `${camera.name}: ${String(e)}`);
    return null;
  }
  const [read, kept] = await Promise.all([
    reader.read(frame),
    keepFrame(ctx, frames, frame, camera.name, where),
  ]);
  if (read.error) ctx.count(read.error.code, read.error.message);
  const frameRef = kept?.frameRef ?? `${camera.name}/${ctx.nowEpochMs()}`;
  const plate = read.plate && isPlausiblePlate(read.plate) ? read.plate : null;
  ctx.publisher.publish(
    'lprRead',
    {},
    {
      camera: camera.name,
      ...(where.lane ? { lane: where.lane.toLowerCase() } : {}),
      plate,
      confidence: read.confidence,
      box: read.box,
      candidates: read.candidates.filter((c) => isPlausiblePlate(c.plate)).slice(0, 10),
      ms: read.ms,
      frameRef,
      ...(kept ? { thumbnail: kept.thumbnail } : {}),
    },
  );
  if (kept) publishFrame(ctx, camera.name, where, { plate, read, kept });
  return { plate, read, frameRef };
}

/** Topic levels allow fewer characters than camera names (core/contract topicFor). */
const TOPIC_SAFE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The camera's last frame as retained state beside the read event: a control room that opens
 * after the read still gets the picture (the read itself is an event, not retained, and the
 * history API keeps no frames).
 */
function publishFrame(
  ctx: FeatureContext,
  camera: string,
  where: { lane?: string; bay?: string },
  got: { plate: string | null; read: PlateReadResult; kept: SavedFrame },
): void {
  if (!TOPIC_SAFE.test(camera)) {
    ctx.count('CAMERA_NAME_NOT_TOPIC_SAFE', `${camera}: no retained frame (name unusable as a topic level)`);
    return;
  }
  const { kept, read } = got;
  ctx.publisher.publish(
    'cameraFrame',
    { camera },
    {
      camera,
      ...(where.lane ? { lane: where.lane.toLowerCase() } : {}),
      ...(where.bay ? { bay: where.bay.toLowerCase() } : {}),
      plate: got.plate,
      confidence: read.confidence,
      box: read.box,
      frameSize: [Math.max(1, kept.width), Math.max(1, kept.height)],
      frameRef: kept.frameRef,
      thumbnail: kept.thumbnail,
    },
  );
}

async function keepFrame(
  ctx: FeatureContext,
  frames: FrameStore | null,
  frame: Buffer,
  camera: string,
  where: { lane?: string; bay?: string },
): Promise<SavedFrame | null> {
  if (!frames) return null;
  const saved = await frames.save(frame, { camera, ...where });
  if (saved.ok) return saved.value;
  ctx.count(saved.error.code, saved.error.message);
  return null;
}
