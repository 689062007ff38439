import { listTemplates } from "@trellis/api";
import { restOperation, templateOperations } from "@trellis/api/rest";

export const GET = restOperation(templateOperations.list, async () => ({ body: { items: listTemplates() } }));
