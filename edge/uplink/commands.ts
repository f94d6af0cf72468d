/**
 * Command dispatch: a message on `…/cmd/{command}` is validated with the contract, handed to the
 * registered handler and answered on `…/cmd/{command}/response` with `{status, data?, error?,
 * transaction}`. Malformed input is answered with an error and counted — never thrown.
 *
 * A command is one-shot: one delivered with the retain flag (a broker that kept it would hand it
 * over again on every boot) is not run, and with a transaction record a transaction id that was
 * accepted before (a QoS 1 resend, a replay) is answered as a duplicate, not run again.
 */
import {
  type CommandArgs,
  type CommandName,
  type CommandResponse,
  decodeMessage,
  topicFor,
} from '../../core/contract/index.ts';
import { CityEdgeError, type Result } from '../../core/errors.ts';
import type { SeenTransactions } from './seen.ts';

export type CommandHandler<C extends CommandName = CommandName> = (
  args: CommandArgs<C>,
) => Promise<Result<unknown>> | Result<unknown>;

export interface CommandStats {
  received: number;
  ok: number;
  /** Malformed: bad JSON, unknown command, schema violation. */
  rejected: number;
  /** Valid but the handler answered with (or threw) an error. */
  failed: number;
  /** Delivered with the retain flag: not run. */
  retained: number;
  /** A transaction id accepted before: answered as a duplicate, not run. */
  duplicates: number;
  byCode: Record<string, number>;
}

export interface CommandRouter {
  handle<C extends CommandName>(name: C, handler: CommandHandler<C>): void;
  /** Returns the response topic and payload, or null when no answer can be addressed. */
  dispatch(
    topic: string,
    raw: Uint8Array,
    delivery?: { retain?: boolean },
  ): Promise<{ topic: string; response: CommandResponse } | null>;
  stats(): CommandStats;
}

const NO_TRANSACTION = 'unknown';

export interface CommandRouterOptions {
  /** Transactions accepted before (on disk across restarts); without it nothing is de-duplicated. */
  seen?: SeenTransactions;
}

export function createCommandRouter(
  site: string,
  device: string,
  opts: CommandRouterOptions = {},
): CommandRouter {
  const handlers = new Map<CommandName, CommandHandler>();
  const stats: CommandStats = {
    received: 0,
    ok: 0,
    rejected: 0,
    failed: 0,
    retained: 0,
    duplicates: 0,
    byCode: {},
  };
  const count = (code: string) => {
    stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
  };

  const respond = (command: string, response: CommandResponse) => {
    try {
      return { topic: topicFor('commandResponse', { site, device, command }), response };
    } catch {
      count('UPLINK_UNADDRESSABLE_COMMAND'); // e.g. a command name with spaces: no valid reply topic
      return null;
    }
  };
  const failure = (command: string, transaction: string, e: CityEdgeError) => {
    count(e.code);
    return respond(command, { status: 'error', error: { code: e.code, message: e.message }, transaction });
  };

  return {
    handle(name, handler) {
      handlers.set(name, handler as CommandHandler);
    },
    stats: () => ({ ...stats, byCode: { ...stats.byCode } }),
    async dispatch(topic, raw, delivery = {}) {
      stats.received += 1;
      const command = topic.split('/').at(-1) ?? '';
      if (delivery.retain) {
        // [MQTT-3.3.1-8] retain=1 on delivery means "from the retained store", i.e. an old request.
        stats.retained += 1;
        return failure(
          command,
          transactionOf(raw),
          new CityEdgeError(
            'UPLINK_RETAINED_COMMAND',
            'a retained command is not run: commands are one-shot',
          ),
        );
      }
      const decoded = decodeMessage(topic, raw);
      if (!decoded.ok || decoded.value.kind !== 'command') {
        stats.rejected += 1;
        const e = decoded.ok ? new CityEdgeError('UPLINK_NOT_A_COMMAND', topic) : decoded.error;
        return failure(command, transactionOf(raw), e);
      }
      const { transaction, args } = decoded.value.payload as { transaction: string; args: unknown };
      const handler = handlers.get(command as CommandName);
      if (!handler) {
        stats.failed += 1;
        return failure(
          command,
          transaction,
          new CityEdgeError('UPLINK_UNSUPPORTED_COMMAND', `"${command}" is not handled by this device`),
        );
      }
      const claimed = claim(opts.seen, transaction);
      if (claimed !== true) {
        if (claimed.code === 'UPLINK_DUPLICATE_TRANSACTION') stats.duplicates += 1;
        else stats.failed += 1;
        return failure(command, transaction, claimed);
      }
      let result: Result<unknown>;
      try {
        result = await handler(args as never);
      } catch (e) {
        result = {
          ok: false,
          error: new CityEdgeError('UPLINK_HANDLER_THREW', e instanceof Error ? e.message : String(e)),
        };
      }
      if (!result.ok) {
        stats.failed += 1;
        return failure(command, transaction, result.error);
      }
      stats.ok += 1;
      const data = result.value;
      return respond(command, { status: 'ok', ...(data === undefined ? {} : { data }), transaction });
    },
  };
}

/** True when `transaction` is new (now recorded), else why it must not run. */
function claim(seen: SeenTransactions | undefined, transaction: string): true | CityEdgeError {
  if (!seen) return true;
  try {
    if (seen.claim(transaction)) return true;
    return new CityEdgeError(
      'UPLINK_DUPLICATE_TRANSACTION',
      `transaction ${transaction} was received before; not run again`,
    );
  } catch (e) {
    // Not recorded, so it could run twice after a reboot: refuse rather than risk that.
    return new CityEdgeError('UPLINK_SEEN_IO', `transaction record not writable: ${String(e)}`);
  }
}

/** Best effort: echo the caller's transaction id even when the rest of the request is bad. */
function transactionOf(raw: Uint8Array): string {
  try {
    const t = (JSON.parse(Buffer.from(raw).toString('utf8')) as { transaction?: unknown }).transaction;
    return typeof t === 'string' && t.length >= 1 && t.length <= 64 ? t : NO_TRANSACTION;
  } catch {
    return NO_TRANSACTION;
  }
}
