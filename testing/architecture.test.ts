/** House rules read off the real import graph: they fail the build the day someone breaks them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImportGraph, importGraph, isProduction, isTestSupport } from './import-graph.ts';

let graph: ImportGraph;
beforeAll(async () => {
  graph = await importGraph();
}, 120_000);

describe('import graph', () => {
  it('parses the whole tree (guards against a glob that silently matches nothing)', () => {
    expect(graph.edges.size).toBeGreaterThan(300);
    expect(graph.edges.get('edge/agent/agent.ts')?.length).toBeGreaterThan(0);
  });

  it('has no import circles, type-only and dynamic imports included', () => {
    expect(graph.circles.map((c) => c.join(' -> '))).toEqual([]);
  });

  it('no production file imports test support (testing/ folders)', () => {
    const offenders = [...graph.edges].flatMap(([file, deps]) =>
      isProduction(file) ? deps.filter(isTestSupport).map((d) => `${file} -> ${d}`) : [],
    );
    expect(offenders).toEqual([]);
  });
});
