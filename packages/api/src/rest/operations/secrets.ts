import { z } from "zod";
import { createSecretInput, rotateSecretBody, secretSchema } from "../../services/secrets";
import { defineOperation } from "../operation";

const secretPath = z.object({ secretId: z.uuid() });
const tag = "Secrets";

export const secretOperations = {
  list: defineOperation({
    id: "listSecrets",
    method: "GET",
    path: "/secrets",
    scope: "secrets:read",
    tag,
    resource: "Secret",
    summary: "List secrets (names and dates, never values)",
    success: { status: 200, description: "The workspace's secrets", schema: z.object({ items: z.array(secretSchema) }) },
  }),
  create: defineOperation({
    id: "createSecret",
    method: "POST",
    path: "/secrets",
    scope: "secrets:write",
    tag,
    resource: "Secret",
    summary: "Create a secret",
    body: createSecretInput,
    success: { status: 201, description: "The secret, without its value", schema: secretSchema, headers: ["Location"] },
    errors: [409],
  }),
  rotate: defineOperation({
    id: "rotateSecret",
    method: "PUT",
    path: "/secrets/{secretId}",
    scope: "secrets:write",
    tag,
    resource: "Secret",
    summary: "Replace a secret's value",
    params: secretPath,
    body: rotateSecretBody,
    success: { status: 200, description: "The secret, without its value", schema: secretSchema },
  }),
  delete: defineOperation({
    id: "deleteSecret",
    method: "DELETE",
    path: "/secrets/{secretId}",
    scope: "secrets:write",
    tag,
    resource: "Secret",
    summary: "Delete a secret",
    params: secretPath,
    success: { status: 204, description: "Deleted" },
  }),
};
