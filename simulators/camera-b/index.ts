/**
 * Generator B: a second camera-frame generator, written independently of simulators/camera
 * (other fonts, plate designs and degradations). Held out: the reader is never tuned on it.
 */
export { type Design, DESIGNS, plateNumber } from './designs.ts';
export {
  CONDITIONS,
  type Condition,
  type FrameB,
  type FrameBOptions,
  type PlateTruth,
  renderFrameB,
} from './frame.ts';
export { framesB } from './dataset.ts';
