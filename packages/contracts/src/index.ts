export * from "./auth.ts";
export * from "./catalog.ts";
export * from "./common.ts";
export * from "./errors.ts";
export * from "./groups.ts";
export * from "./meta.ts";
export * from "./phone.ts";
export * from "./profile.ts";
