import { deleteSecret, rotateSecret } from "@trellis/api";
import { restOperation, secretOperations } from "@trellis/api/rest";

export const PUT = restOperation(secretOperations.rotate, async ({ scope, path, body }) => ({
  body: await rotateSecret(scope, { ...body, secretId: path.secretId }),
}));

export const DELETE = restOperation(secretOperations.delete, async ({ scope, path }) => {
  await deleteSecret(scope, path);
});
