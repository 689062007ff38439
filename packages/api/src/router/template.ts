import { getTemplateOrThrow, listTemplates, templateIdInput } from "../services/workflow-templates";
import { router, viewerProcedure } from "../trpc";

export const templateRouter = router({
  list: viewerProcedure.query(() => listTemplates()),
  get: viewerProcedure.input(templateIdInput).query(({ input }) => getTemplateOrThrow(input)),
});
