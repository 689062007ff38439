/** Paths inside a workspace, in one place so pages link to each other consistently. */
export const workspacePaths = {
  workflow: (slug: string, workflowId: string) => `/w/${slug}/workflows/${workflowId}`,
  /** The run inspector's address (its page comes with the runs page). */
  run: (slug: string, runId: string) => `/w/${slug}/runs/${runId}`,
  webhooks: (slug: string) => `/w/${slug}/settings/webhooks`,
  webhook: (slug: string, webhookId: string) => `/w/${slug}/settings/webhooks/${webhookId}`,
  schedules: (slug: string) => `/w/${slug}/settings/schedules`,
};
