import type { Weights } from "./fusion.ts";
import { COMPONENTS } from "./types.ts";

/** A configuration value that cannot be used, with the field that is wrong. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Checks fusion weights: every component present, finite and not negative, not all zero. */
export function validateWeights(weights: Record<string, unknown>): Weights {
  const out = {} as Weights;
  for (const component of COMPONENTS) {
    const value = weights[component];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new ConfigError(`weights.${component} must be a finite number (got ${String(value)})`);
    }
    if (value < 0) {
      throw new ConfigError(`weights.${component} must not be negative (got ${value})`);
    }
    out[component] = value;
  }
  for (const key of Object.keys(weights)) {
    if (!(COMPONENTS as readonly string[]).includes(key)) {
      throw new ConfigError(`weights.${key} is not a component (${COMPONENTS.join(", ")})`);
    }
  }
  if (COMPONENTS.every((c) => out[c] === 0)) {
    throw new ConfigError("weights: at least one component must weigh more than 0");
  }
  return out;
}
