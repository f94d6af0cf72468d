/** Camera simulator: realistic, deterministic vehicle frames, an IP-camera snapshot server and a folder writer. */
export { type DatasetFrame, type DatasetOptions, datasetFrames, generateDataset } from './dataset.ts';
export { type DegradePreset, type DegradeSpec, NO_DEGRADE, resolveDegrade } from './degrade.ts';
export { createFolderWriter, type FolderWriter } from './folder.ts';
export { displayText, PLATE_STYLES, type PlateStyle, randomPlate } from './plates.ts';
export { type RenderedFrame, type RenderOptions, renderVehicleFrame } from './render.ts';
export { createRng, type Rng } from './rng.ts';
export { type SnapshotServer, startSnapshotServer } from './server.ts';
