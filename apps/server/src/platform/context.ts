import type { Database, DatabaseHandle } from "@cs/db";
import type { SmsDriver } from "../domains/channels/sms.ts";
import type { AccessTokens } from "./auth/tokens.ts";
import type { Config } from "./config.ts";

/** What every domain's routes and services are given: built once in main.ts or by the tests. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Database;
  tokens: AccessTokens;
  sms: SmsDriver;
}
