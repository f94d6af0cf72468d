/**
 * Generates the AsyncAPI 3.0 document of the `cityedge/v1` MQTT contract from core/contract, with
 * payload schemas from zod 4's `z.toJSONSchema`. Run `npx tsx edge/asyncapi/generate.ts` to rewrite
 * docs/asyncapi.yaml; a test fails when the committed document is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { z } from 'zod';
import {
  CONTRACT_VERSION,
  commandArgs,
  commandNames,
  commandResponse,
  ROOT,
  type TopicKind,
  topics,
} from '../../core/contract/index.ts';

export const ASYNCAPI_PATH = fileURLToPath(new URL('../../docs/asyncapi.yaml', import.meta.url));

type Json = Record<string, unknown>;

const PARAM_DOCS: Record<string, string> = {
  site: 'Site id (a car park, a junction group): lowercase a-z, 0-9, "-" or "_".',
  device: 'Edge device id within the site.',
  sensor: 'Bay-sensor name from the lot configuration.',
  bay: 'Bay id (lowercase).',
  lane: 'Gate lane id (lowercase).',
  intersection: 'Intersection id (lowercase).',
  command: 'Command name.',
};

/** JSON Schema (draft-07, the AsyncAPI schema dialect's base) without the `$schema` marker. */
function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

const paramsOf = (address: string): Json =>
  Object.fromEntries(
    [...address.matchAll(/\{(\w+)\}/g)].map(([, name]) => [
      name!,
      { description: PARAM_DOCS[name!] ?? name! },
    ]),
  );

export function buildAsyncApi(): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const telemetry = (Object.keys(topics) as TopicKind[]).filter(
    (k) => k !== 'command' && k !== 'commandResponse',
  );
  for (const kind of telemetry) {
    const spec = topics[kind];
    const address = `${ROOT}/${spec.pattern}`;
    messages[kind] = {
      name: kind,
      title: kind,
      summary: spec.description,
      contentType: 'application/json',
      payload: jsonSchema(spec.schema),
    };
    channels[kind] = {
      address,
      description: `${spec.description} ${spec.retained ? 'Retained.' : 'Not retained.'} QoS ${spec.qos}.`,
      parameters: paramsOf(address),
      messages: { [kind]: { $ref: `#/components/messages/${kind}` } },
    };
    operations[`send.${kind}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${kind}` },
      messages: [{ $ref: `#/channels/${kind}/messages/${kind}` }],
      bindings: { mqtt: { qos: spec.qos, retain: spec.retained, bindingVersion: '0.2.0' } },
    };
  }
  messages.commandResponse = {
    name: 'commandResponse',
    title: 'Command response',
    summary: topics.commandResponse.description,
    contentType: 'application/json',
    payload: jsonSchema(commandResponse),
  };
  for (const name of commandNames) {
    const id = `cmd.${name}`;
    const address = `${ROOT}/{site}/{device}/cmd/${name}`;
    messages[id] = {
      name: id,
      title: `Command ${name}`,
      summary: `Request \`${name}\`: \`{transaction, args}\`, args checked against the command's schema.`,
      contentType: 'application/json',
      payload: jsonSchema(
        z.strictObject({ transaction: z.string().min(1).max(64), args: commandArgs[name] }),
      ),
    };
    channels[id] = {
      address,
      parameters: paramsOf(address),
      messages: { request: { $ref: `#/components/messages/${id}` } },
    };
    channels[`${id}.response`] = {
      address: `${address}/response`,
      parameters: paramsOf(address),
      messages: { response: { $ref: '#/components/messages/commandResponse' } },
    };
    operations[`receive.${id}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/request` }],
      bindings: { mqtt: { qos: 1, bindingVersion: '0.2.0' } },
      reply: {
        channel: { $ref: `#/channels/${id}.response` },
        messages: [{ $ref: `#/channels/${id}.response/messages/response` }],
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CityEdge MQTT contract',
      version: CONTRACT_VERSION,
      description: [
        `Topic tree \`${ROOT}/{site}/{device}/…\`, generated from core/contract (do not edit by hand).`,
        'Every telemetry body is an envelope `{id, ts, data}`: `id` is unique per message and stable across',
        'store-and-forward replays (deduplicate on it), `ts` is the device wall-clock time in ms since the epoch.',
        'Devices speak MQTT 3.1.1 with a persistent session; `status` carries a retained birth (`online`)',
        'and last-will (`offline`).',
      ].join('\n'),
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: 'broker.example.org:8883',
        protocol: 'secure-mqtt',
        protocolVersion: '3.1.1',
        description:
          'CityEdge broker (aedes or mosquitto); TLS with username/password or client certificate.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

export function renderAsyncApi(): string {
  return `# Generated by edge/asyncapi/generate.ts from core/contract. Do not edit by hand.\n${stringify(buildAsyncApi(), { lineWidth: 0 })}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ASYNCAPI_PATH, renderAsyncApi());
  console.log(`wrote ${ASYNCAPI_PATH}`);
}
