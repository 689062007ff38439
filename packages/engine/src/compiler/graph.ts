/** Graph algorithms over node ids; iterative so 5,000-node workflows cannot overflow the stack. */
export type Adjacency = ReadonlyMap<string, readonly string[]>;

/** Tarjan's strongly connected components that form cycles (size > 1, or a self-loop). */
export function findCycles(
  ids: readonly string[],
  adjacency: Adjacency,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const successors = adjacency.get(frame.id) ?? [];
      if (frame.next < successors.length) {
        const next = successors[frame.next++] as string;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ id: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(
            frame.id,
            Math.min(low.get(frame.id) as number, index.get(next) as number),
          );
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(
          parent.id,
          Math.min(low.get(parent.id) as number, low.get(frame.id) as number),
        );
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop =
          component.length === 1 && successors.includes(frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}

export function reachableFrom(
  start: string,
  adjacency: Adjacency,
): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of adjacency.get(queue[i] as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Kahn's algorithm; ties broken by the given id order so plans are deterministic. Assumes no cycle. */
export function topologicalOrder(
  ids: readonly string[],
  adjacency: Adjacency,
): string[] {
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of ids)
    for (const next of adjacency.get(id) ?? [])
      indegree.set(next, (indegree.get(next) ?? 0) + 1);
  const order = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const next of adjacency.get(order[i] as string) ?? []) {
      const left = (indegree.get(next) as number) - 1;
      indegree.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  return order;
}
