import type { Aedes } from 'aedes';
import type { CityPlan } from '../../core/contract/plan.ts';
import type { Logger } from 'pino';
import type { LoginGuard } from '../auth/lockout.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import type { CommandRelay } from '../commands.ts';
import type { AccountStore, AuditStore, RegistryStore } from '../db/store.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { Counters } from '../metrics.ts';
import type { RetainedStore } from '../mqtt/aedes.ts';

/** Everything the HTTP routes need, injected (tests build it with real parts). */
export interface ApiDeps {
  accounts: AccountStore;
  registry: RegistryStore;
  audit: AuditStore;
  tokens: TokenIssuer;
  /** Failed-login lockout per account and source, shared with MQTT CONNECT. */
  logins: LoginGuard;
  /**
   * After a user's token version moved (delete, role, password): forget the cached version on
   * this node and drop the user's MQTT/WebSocket sessions whose token is now stale.
   */
  revoked: (username: string) => Promise<void>;
  counters: Counters;
  ingest: Ingest | null;
  relay: CommandRelay;
  retained: RetainedStore;
  broker: Aedes;
  log: Logger;
  nodeId: string;
  startedAt: number;
  /** The configured city plan, checked at start; null when none is configured. */
  plan: CityPlan | null;
}
