/**
 * Imported first by main.tsx. The broker's CSP allows no eval (no 'unsafe-eval'): zod's JIT
 * probes `new Function` on its first object parse, which the browser refuses and reports as a
 * CSP violation before zod falls back. Jitless skips the probe; parsing is the same.
 */
import { z } from 'zod';

z.config({ jitless: true });
