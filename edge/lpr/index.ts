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
export {
  DEFAULT_TEMPLATES,
  fitPattern,
  formatPlate,
  matchTemplates,
  TEMPLATES,
} from './templates.ts';
export type {
  Box,
  LprError,
  LprErrorCode,
  PlateCandidate,
  PlateReader,
  PlateReaderOptions,
  PlateReaderStats,
  PlateReadResult,
  PlateTemplate,
} from './types.ts';
