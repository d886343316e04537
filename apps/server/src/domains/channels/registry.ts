import type { Database } from "@cs/db";
import type { ChannelConfig } from "../../platform/channel-config.ts";
import { createAfricasTalkingDriver } from "./africastalking.ts";
import { createSmtpDriver } from "./email.ts";
import { type ChannelDriver, createLocalDriver } from "./sms.ts";
import { createWhatsappCloudDriver } from "./whatsapp.ts";

export interface ChannelDrivers {
  sms: ChannelDriver;
  email: ChannelDriver;
  whatsapp: ChannelDriver;
}

/** The configured driver of each channel (`local` unless told otherwise). */
export function createChannelDrivers(config: ChannelConfig, db: Database): ChannelDrivers {
  return {
    sms:
      config.sms.driver === "africastalking"
        ? createAfricasTalkingDriver(config.sms, config.timeoutMs)
        : createLocalDriver(db, "sms"),
    email:
      config.email.driver === "smtp"
        ? createSmtpDriver(config.email, config.timeoutMs)
        : createLocalDriver(db, "email"),
    whatsapp:
      config.whatsapp.driver === "cloud"
        ? createWhatsappCloudDriver(config.whatsapp, config.timeoutMs)
        : createLocalDriver(db, "whatsapp"),
  };
}
