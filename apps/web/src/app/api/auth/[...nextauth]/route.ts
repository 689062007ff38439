import NextAuth from "next-auth";
import { authOptions } from "~/server/auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: RouteContext) {
  // next-auth v4 reads the catch-all segments from `context.params` synchronously.
  const params = await context.params;
  return NextAuth(request as never, { params } as never, authOptions());
}

export { handler as GET, handler as POST };
