import { createSecret, listSecrets } from "@trellis/api";
import { restOperation, secretOperations } from "@trellis/api/rest";

export const GET = restOperation(secretOperations.list, async ({ scope }) => ({ body: { items: await listSecrets(scope) } }));

export const POST = restOperation(secretOperations.create, async ({ scope, body }) => {
  const secret = await createSecret(scope, body);
  return { body: secret, headers: { location: `/api/v1/secrets/${secret.id}` } };
});
