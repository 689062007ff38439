import { z } from "zod";

/** What an API key may do; each REST operation names the scope it needs. */
export const apiScopes = [
  "workspace:read",
  "workflows:read",
  "workflows:write",
  "runs:read",
  "runs:write",
  "secrets:read",
  "secrets:write",
  "schedules:read",
  "schedules:write",
  "webhooks:read",
  "webhooks:write",
  "notifications:read",
  "notifications:write",
] as const;

export type ApiScope = (typeof apiScopes)[number];
export const apiScopeSchema = z.enum(apiScopes);
