import type { Database, DatabaseHandle } from "@cs/db";
import type { ChannelDrivers } from "../domains/channels/registry.ts";
import type { SmsDriver } from "../domains/channels/sms.ts";
import type { PaymentProviders } from "../domains/payments/providers/registry.ts";
import type { AccessTokens } from "./auth/tokens.ts";
import type { Config } from "./config.ts";
import type { Realtime } from "./realtime.ts";

/** What every domain's routes and services are given: built once in main.ts or by the tests. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Database;
  tokens: AccessTokens;
  sms: SmsDriver;
  /** The configured driver of each outgoing channel (`sms` is the same as above). */
  channels: ChannelDrivers;
  payments: PaymentProviders;
  /**
   * Where this instance is reached: `public` for links people open (checkout, return pages),
   * `internal` for calls to itself (the sandbox's webhooks). Set once the server listens.
   */
  urls: { public: string; internal: string };
  /** Pushes to sockets; null until the HTTP server (or, in a worker, the Redis emitter) exists. */
  realtime: Realtime | null;
}
