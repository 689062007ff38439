import { listRunEvents } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.events, async ({ scope, path, query, url }) => {
  const page = await listRunEvents(scope, { ...path, ...query });
  if (page.nextAfterId === null) return { body: { ...page, next: null } };
  const next = new URL(url);
  next.searchParams.set("afterId", String(page.nextAfterId));
  const link = `${next.pathname}${next.search}`;
  return { body: { ...page, next: link }, headers: { link: `<${link}>; rel="next"` } };
});
