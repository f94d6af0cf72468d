import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandNames, topics } from '../../core/contract/index.ts';
import { ASYNCAPI_PATH, buildAsyncApi, renderAsyncApi } from './generate.ts';

type Json = Record<string, unknown>;

/** Resolves a local `#/a/b` JSON pointer in the document. */
function resolveRef(doc: Json, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('AsyncAPI document', () => {
  it('is up to date with core/contract (run `npx tsx edge/asyncapi/generate.ts`)', () => {
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(renderAsyncApi());
  });

  it('has one channel per topic kind and per command, every $ref resolving', () => {
    const doc = parse(readFileSync(ASYNCAPI_PATH, 'utf8')) as Json;
    expect(doc.asyncapi).toBe('3.0.0');
    const channels = doc.channels as Record<string, { address: string; parameters?: Json }>;
    const kinds = Object.keys(topics).filter((k) => k !== 'command' && k !== 'commandResponse');
    for (const k of kinds)
      expect(channels[k]?.address).toBe(`cityedge/v1/${topics[k as keyof typeof topics].pattern}`);
    for (const c of commandNames)
      expect(channels[`cmd.${c}.response`]?.address).toMatch(
        new RegExp(`/cmd/${c.replace('.', '\\.')}/response$`),
      );
    for (const ref of refsIn(doc)) expect(resolveRef(doc, ref), ref).toBeDefined();
    for (const ch of Object.values(channels)) {
      const names = [...ch.address.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(ch.parameters ?? {}).sort()).toEqual(names.sort());
    }
  });

  it('carries the contract schemas: envelope, strictness and MQTT bindings', () => {
    const doc = buildAsyncApi() as {
      components: { messages: Record<string, { payload: Json }> };
      operations: Json;
    };
    const lot = doc.components.messages.parkingLot!.payload as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(lot.required).toEqual(['id', 'ts', 'data']);
    expect(lot.additionalProperties).toBe(false);
    expect(doc.operations['send.status']).toMatchObject({ bindings: { mqtt: { qos: 1, retain: true } } });
    expect(doc.operations['send.spat']).toMatchObject({ bindings: { mqtt: { qos: 0, retain: true } } });
    const open = doc.components.messages['cmd.gate.open']!.payload as {
      properties: { args: { required: string[] } };
    };
    expect(open.properties.args.required).toEqual(['lane', 'reason', 'by']);
  });
});
