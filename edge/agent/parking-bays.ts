/**
 * Disabled-bay cameras: when a disabled bay with a camera becomes occupied (the controller's
 * debounced `bay.status`, so sensor chatter takes no snapshots), take a frame, run LPR and hand the
 * read to `bayCameraRead`. The controller decides whether it is a violation (warning light + alarm).
 */
import type { LotConfig, ParkingController, ParkingEvent } from '../../controllers/parking/index.ts';
import type { MonitoredCamera } from '../bindings/index.ts';
import type { PlateReader } from '../lpr/index.ts';
import type { FeatureContext } from './feature.ts';

const PLATE = /^[A-Z0-9]{2,10}$/;

export interface BayCameras {
  /** Cameras by bay id (only disabled bays whose camera could be opened). */
  readonly cameras: Map<string, MonitoredCamera>;
  stop(): void;
}

/**
 * Opens the cameras of the lot's disabled bays. A camera with no source (no `hardware.cameras`
 * entry: the lot file names bay cameras by id only) is counted and skipped, not fatal: the lanes
 * must run even when a bay camera is not installed yet.
 */
export async function wireBayCameras(
  ctx: FeatureContext,
  lot: LotConfig,
  ctl: ParkingController,
  reader: PlateReader | null,
): Promise<BayCameras> {
  const cameras = new Map<string, MonitoredCamera>();
  // Without LPR a bay frame says nothing the controller can use: open no cameras.
  if (!reader) return { cameras, stop: () => undefined };
  for (const bay of lot.bays) {
    if (bay.kind !== 'disabled' || !bay.camera) continue;
    const cam = await ctx.hardware.camera(bay.camera, {});
    if (cam.ok) cameras.set(bay.id, cam.value);
    else ctx.count(cam.error.code, `bay ${bay.id}: ${cam.error.message}`);
  }
  const stop = ctl.onEvent((e) => {
    const bayId = becameOccupied(e);
    const camera = bayId === null ? undefined : cameras.get(bayId);
    if (bayId !== null && camera && reader) void checkBay(ctx, bayId, camera, ctl, reader);
  });
  return { cameras, stop };
}

/** The disabled bay that just became occupied, or null. */
function becameOccupied(e: ParkingEvent): string | null {
  if (e.type !== 'bay.status' || e.bay.kind !== 'disabled') return null;
  return e.bay.status === 'occupied' && e.previous !== 'occupied' ? e.bay.id : null;
}

/** Snapshot → LPR → lprRead telemetry → bayCameraRead; each failure is counted. */
async function checkBay(
  ctx: FeatureContext,
  bayId: string,
  camera: MonitoredCamera,
  ctl: ParkingController,
  reader: PlateReader,
): Promise<void> {
  let frame: Buffer;
  try {
    frame = await camera.snapshot();
  } catch (e) {
    ctx.count((e as { code?: string }).code ?? 'CAMERA_IO_FAILED', `${camera.name}: ${String(e)}`);
    return;
  }
  const read = await reader.read(frame);
  if (read.error) ctx.count(read.error.code, read.error.message);
  const frameRef = `${camera.name}/${ctx.nowEpochMs()}`;
  const plate = read.plate && PLATE.test(read.plate) ? read.plate : null;
  ctx.publisher.publish(
    'lprRead',
    {},
    {
      camera: camera.name,
      plate,
      confidence: read.confidence,
      box: read.box,
      candidates: read.candidates.filter((c) => PLATE.test(c.plate)).slice(0, 10),
      ms: read.ms,
      frameRef,
    },
  );
  // The car may have left while OCR ran: a late read must not flag (and light) an empty bay.
  const still = ctl.snapshot().bays.find((b) => b.id === bayId)?.status === 'occupied';
  if (!still) return;
  const r = ctl.bayCameraRead(bayId, { plate, confidence: read.confidence, frameRef });
  if (!r.ok) ctx.count(`PARKING_${r.error.code}`, r.error.message);
}
