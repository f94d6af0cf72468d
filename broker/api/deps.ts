import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { TokenIssuer } from '../auth/tokens.ts';
import type { CommandRelay } from '../commands.ts';
import type { AuditLog } from '../db/audit.ts';
import type { Registry } from '../db/registry.ts';
import type { Accounts } from '../db/users.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { Counters } from '../metrics.ts';
import type { RetainedStore } from '../mqtt/aedes.ts';

/** Everything the HTTP routes need, injected (tests build it with real parts). */
export interface ApiDeps {
  accounts: Accounts;
  registry: Registry;
  audit: AuditLog;
  tokens: TokenIssuer;
  counters: Counters;
  ingest: Ingest | null;
  relay: CommandRelay;
  retained: RetainedStore;
  broker: Aedes;
  log: Logger;
  nodeId: string;
  startedAt: number;
}
