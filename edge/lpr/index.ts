/**
 * Licence-plate recognition for the edge agent and simulators.
 *
 *   const reader = createPlateReader({ workers: 1, templates: [TEMPLATES.mercosur] });
 *   const r = await reader.read(jpeg); // { plate: 'ABCD123', confidence, box, candidates, ms, error? }
 *   const v = reader.fuse([r1, r2, r3]); // several frames of one vehicle
 *   await reader.close();
 *
 * Errors never throw: a result carries `error: { code, message }` (see LprErrorCode).
 */
export { fuseResults } from './fusion.ts';
export { createPlateReader, resolveOptions } from './reader.ts';
export { fitPattern, matchTemplates } from './templates.ts';
export {
  DEFAULT_TEMPLATES,
  formatPlate,
  type PlateTemplate,
  TEMPLATES,
} from '../../core/ports/plate-template.ts';
export type { Box } from '../../core/ports/camera.ts';
export type {
  LprError,
  LprErrorCode,
  PlateCandidate,
  PlateReader,
  PlateReaderOptions,
  PlateReaderStats,
  PlateReadResult,
} from './types.ts';
