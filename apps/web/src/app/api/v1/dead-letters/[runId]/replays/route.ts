import { replayDeadLetter } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.replayDeadLetter, async ({ scope, path }) => {
  const run = await replayDeadLetter(scope, path);
  return { body: run, headers: { location: `/api/v1/runs/${run.id}` } };
});
