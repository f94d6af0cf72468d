/**
 * The repo's import graph, parsed by dpdm (the TypeScript compiler's own parser, so `import type`
 * and dynamic `import()` count too) for the architecture tests. Dev-only, like all of `testing/`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** Every type-checked source file under the repo (relative paths), with its text. */
export function sourceFiles(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', '.git'].includes(entry.name) && !entry.name.startsWith('.')) walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push({ file: rel, text: readFileSync(join(REPO, rel), 'utf8') });
      }
    }
  };
  walk('');
  return out;
}
