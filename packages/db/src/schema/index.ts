export * from "./catalog.ts";
export * from "./fulfilment.ts";
export * from "./groups.ts";
export * from "./identity.ts";
export * from "./payments.ts";
export * from "./pickup.ts";
export * from "./platform.ts";
export * from "./recommendations.ts";
