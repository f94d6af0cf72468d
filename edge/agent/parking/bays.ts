/**
 * Disabled-bay cameras: when a disabled bay with a camera becomes occupied (the controller's
 * debounced `bay.status`, so sensor chatter takes no snapshots), take a frame, run LPR and hand the
 * read to `bayCameraRead`. The controller decides whether it is a violation (warning light + alarm).
 */
import type { LotConfig, ParkingController, ParkingEvent } from '../../../controllers/parking/index.ts';
import type { MonitoredCamera } from '../../bindings/index.ts';
import type { PlateReader } from '../../lpr/index.ts';
import type { FeatureContext } from '../feature.ts';
import { type Lpr, readCamera } from './plate-reads.ts';

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
  lpr: Lpr,
): Promise<BayCameras> {
  const cameras = new Map<string, MonitoredCamera>();
  const { reader } = lpr;
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
    if (bayId !== null && camera) void checkBay(ctx, bayId, camera, ctl, { reader, frames: lpr.frames });
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
  lpr: Lpr & { reader: PlateReader },
): Promise<void> {
  const got = await readCamera(ctx, camera, lpr.reader, lpr.frames, { bay: bayId });
  if (!got) return;
  // The car may have left while OCR ran: a late read must not flag (and light) an empty bay.
  const still = ctl.snapshot().bays.find((b) => b.id === bayId)?.status === 'occupied';
  if (!still) return;
  const r = ctl.bayCameraRead(bayId, {
    plate: got.plate,
    confidence: got.read.confidence,
    frameRef: got.frameRef,
  });
  if (!r.ok) ctx.count(`PARKING_${r.error.code}`, r.error.message);
}
