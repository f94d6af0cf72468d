/**
 * The repo's import graph, parsed by dpdm (the TypeScript compiler's own parser, so `import type`
 * and dynamic `import()` count too) for the architecture tests. Dev-only, like all of `testing/`.
 */
import { resolve } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';

export const REPO = resolve(import.meta.dirname, '..');

/** Every source folder type-checked by tsconfig.json, plus the root's own .ts files. */
const SOURCES = [
  'cli',
  'core',
  'testing',
  'resilience',
  'controllers',
  'edge',
  'broker',
  'dashboard',
  'simulators',
  'bench',
  'scripts',
].flatMap((dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`]);

export interface ImportGraph {
  /** Repo file (relative, `/`-separated) → repo files it imports. Packages and node: builtins left out. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** Each import circle once, as the files around it. */
  readonly circles: readonly (readonly string[])[];
}

export async function importGraph(): Promise<ImportGraph> {
  const tree = await parseDependencyTree([...SOURCES, '*.ts'], {
    context: REPO,
    cwd: REPO,
    tsconfig: resolve(REPO, 'tsconfig.json'),
    transform: false,
    exclude: /node_modules|\/dist\//,
  });
  const edges = new Map<string, string[]>();
  for (const [file, deps] of Object.entries(tree)) {
    if (!deps || file.includes('node_modules')) continue;
    const local = deps.flatMap((d) => (d.id && tree[d.id] ? [d.id] : []));
    edges.set(file, [...new Set(local)]);
  }
  return { edges, circles: parseCircular(tree) };
}

/** Test support: the root `testing/` and any feature's own `testing/` folder (e.g. edge/uplink/testing). */
export function isTestSupport(file: string): boolean {
  return /(^|\/)testing\//.test(file);
}

/** A file that ships: not a test, not test support, not a dev-only tool folder. */
export function isProduction(file: string): boolean {
  if (/\.test\.tsx?$/.test(file) || isTestSupport(file)) return false;
  return !/^(bench|resilience|scripts|soak)\//.test(file);
}
