import { getTemplateOrThrow } from "@trellis/api";
import { restOperation, templateOperations } from "@trellis/api/rest";

export const GET = restOperation(templateOperations.get, async ({ path }) => ({ body: getTemplateOrThrow(path) }));
