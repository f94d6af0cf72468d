/**
 * The two recognition engines behind one interface, so the pool, queue, deadlines and error
 * values are shared: `onnx` (PP-OCRv4 detector + recogniser, the default) and `tesseract`
 * (classical locator + tesseract.js LSTM), which is also the fallback when the models cannot
 * load. The fallback is logged once per reader and counted as LPR_MODEL_UNAVAILABLE.
 */
import type { Gray } from './image.ts';
import { readFrameNeural } from './neural.ts';
import { type OcrEngine, startOcr } from './ocr.ts';
import { ModelLoadError, type ModelPaths, type NeuralEngine, startNeural } from './onnx.ts';
import { type FrameRead, type PipelineOptions, readFrame } from './pipeline.ts';

export type EngineName = 'onnx' | 'tesseract';
export const ENGINES: readonly EngineName[] = ['onnx', 'tesseract'];

export interface FrameEngine {
  name: EngineName;
  read(frame: Gray, o: PipelineOptions): Promise<FrameRead>;
  terminate(): Promise<void>;
}

export interface EngineFactories {
  tesseract: () => Promise<OcrEngine>;
  onnx: () => Promise<NeuralEngine>;
}

export function defaultFactories(startTimeoutMs: number, modelPaths?: ModelPaths): EngineFactories {
  return {
    tesseract: () => startOcr({ startTimeoutMs }),
    onnx: () => startNeural(modelPaths),
  };
}

export interface EngineStarter {
  start(): Promise<FrameEngine>;
  /** Times the models could not load and tesseract stood in (0 or more). */
  fallbacks(): number;
}

/**
 * Starts the configured engine. Once the models have failed to load, later starts (worker
 * replaced after a timeout) go straight to tesseract: the file will not have healed.
 */
export function engineStarter(
  name: EngineName,
  f: EngineFactories,
  onFallback: (err: ModelLoadError) => void,
): EngineStarter {
  let modelBroken = false;
  let fallbacks = 0;
  const tesseract = async (): Promise<FrameEngine> => {
    const ocr = await f.tesseract();
    return {
      name: 'tesseract',
      read: (frame, o) => readFrame(frame, ocr, o),
      terminate: () => ocr.terminate(),
    };
  };
  return {
    async start() {
      if (name === 'tesseract' || modelBroken) return tesseract();
      try {
        const n = await f.onnx();
        return {
          name: 'onnx',
          read: (frame, o) => readFrameNeural(frame, n, o),
          terminate: () => n.terminate(),
        };
      } catch (err) {
        modelBroken = true;
        fallbacks++;
        onFallback(err instanceof ModelLoadError ? err : new ModelLoadError(String(err)));
        return tesseract();
      }
    },
    fallbacks: () => fallbacks,
  };
}
