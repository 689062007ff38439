import { z } from "zod";

/**
 * Every rate limit Trellis applies, in one table. Each can be overridden with
 * TRELLIS_RATE_LIMITS, a JSON object such as
 * `{"restApiKey":{"limit":100,"windowSeconds":60}}`.
 */
export const defaultPolicies = {
  /** Deliveries per webhook configuration. */
  webhookIngress: { limit: 6000, windowSeconds: 60 },
  /** REST requests per API key. */
  restApiKey: { limit: 6000, windowSeconds: 60 },
  /** REST requests per client IP, before the key is known. */
  restIp: { limit: 12000, windowSeconds: 60 },
  /** tRPC mutations per signed-in user. */
  trpcMutationUser: { limit: 600, windowSeconds: 60 },
  /** Sign-up and sign-in attempts per client IP. */
  authIp: { limit: 30, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitPolicy>;

export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

export type PolicyName = keyof typeof defaultPolicies;
export type PolicyTable = Record<PolicyName, RateLimitPolicy>;

const policySchema = z.object({ limit: z.number().int().min(1), windowSeconds: z.number().int().min(1).max(86_400) });
const overridesSchema = z
  .object(Object.fromEntries(Object.keys(defaultPolicies).map((name) => [name, policySchema.optional()])))
  .strict();

/** The defaults with the operator's overrides applied; a bad override is a configuration error. */
export function resolvePolicies(overridesJson: string | undefined): PolicyTable {
  if (!overridesJson) return { ...defaultPolicies };
  let parsed: unknown;
  try {
    parsed = JSON.parse(overridesJson);
  } catch {
    throw new Error("TRELLIS_RATE_LIMITS must be a JSON object");
  }
  const result = overridesSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`TRELLIS_RATE_LIMITS: ${issue?.path.join(".") || "value"} ${issue?.message ?? "is invalid"}`);
  }
  const table: PolicyTable = { ...defaultPolicies };
  for (const [name, policy] of Object.entries(result.data)) {
    if (policy) table[name as PolicyName] = policy as RateLimitPolicy;
  }
  return table;
}
