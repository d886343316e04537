export * from "./catalog.ts";
export * from "./identity.ts";
export * from "./platform.ts";
