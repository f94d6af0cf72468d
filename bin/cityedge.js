#!/usr/bin/env node
// Loads the TypeScript CLI in this same process (tsx's ESM loader), so signals such as
// SIGTERM from systemd reach the agent directly and `npx cityedge …` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/index.ts');
