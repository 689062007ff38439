/** What `LoadMore` needs of an infinite query (TanStack Query's `useInfiniteQuery` result has it). */
interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
}

/** The button under a cursor-paged list that fetches the next page; nothing once the last page is in. */
export function LoadMore({ query, label = "Load more" }: { query: PagedQuery; label?: string }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="list-more">
      <button type="button" className="button small" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
        {query.isFetchingNextPage ? "Loading…" : label}
      </button>
    </div>
  );
}
