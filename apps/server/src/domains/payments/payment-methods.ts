import {
  MOBILE_MONEY_METHODS,
  PAYMENT_METHODS,
  type TCurrency,
  type TOfferedMethod,
  type TPaymentMethods,
} from "@cs/contracts";
import type { AppContext } from "../../platform/context.ts";
import { cashDepositRule } from "./cash-hold.ts";
import { providerFor } from "./providers/registry.ts";

/** One method as its routed provider offers it in this currency, or null when it cannot. */
function offered(
  ctx: AppContext,
  method: (typeof PAYMENT_METHODS)[number],
  currency: TCurrency,
): TOfferedMethod | null {
  const name = providerFor(ctx.payments, method);
  const provider = ctx.payments.providers[name];
  if (!provider) {
    return null;
  }
  const offer = provider.offers ? provider.offers(method, currency) : { express: false };
  return offer ? { method, provider: name, express: offer.express } : null;
}

/**
 * What a trader may pay a share in `currency` with: each method whose provider (as
 * PAYMENT_ROUTES sends it) can take that currency, then cash at pickup when its deposit rule can
 * be met (no deposit, or a wallet to pay the deposit by).
 */
export async function paymentMethodsFor(
  ctx: AppContext,
  currency: TCurrency,
): Promise<TPaymentMethods> {
  const methods = PAYMENT_METHODS.map((m) => offered(ctx, m, currency)).filter(
    (m): m is TOfferedMethod => m !== null,
  );
  const { rule } = await cashDepositRule(ctx.db);
  const depositMethods = MOBILE_MONEY_METHODS.filter((m) => methods.some((o) => o.method === m));
  const cashPossible = rule.mode === "none" || depositMethods.length > 0;
  if (cashPossible) {
    methods.push({ method: "cash", provider: "cash", express: false });
  }
  return {
    currency,
    methods,
    cash: cashPossible
      ? { rule, depositMethods: rule.mode === "none" ? [] : depositMethods }
      : null,
  };
}
