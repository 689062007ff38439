import { dismissDeadLetter } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const DELETE = restOperation(runOperations.dismissDeadLetter, async ({ scope, path }) => {
  await dismissDeadLetter(scope, path);
});
