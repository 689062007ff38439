import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { env, type Env } from "@trellis/config";
import { logger } from "@trellis/config/logger";
import { getAppDatabase } from "@trellis/db";
import { findOrCreateOAuthUser } from "./accounts";
import { verifyCredentials } from "./credentials";
import { authSecret } from "./secret";

/** Shown on the sign-in form; the same words whether the email or the password is wrong. */
export const WRONG_CREDENTIALS = "Incorrect email or password";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; image?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
  }
}

/**
 * next-auth configuration: email + password always, GitHub when
 * AUTH_GITHUB_ID/AUTH_GITHUB_SECRET are set. Sessions are JWTs carrying the
 * user id; workspace membership is looked up per request, so a removed member
 * loses access at once.
 */
export function buildAuthOptions(config: Env = env()): NextAuthOptions {
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) throw new Error(WRONG_CREDENTIALS);
        const { db } = await getAppDatabase();
        const user = await verifyCredentials(db, credentials.email, credentials.password);
        if (!user) throw new Error(WRONG_CREDENTIALS);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: config.AUTH_GITHUB_ID, clientSecret: config.AUTH_GITHUB_SECRET }));
  }
  return {
    secret: authSecret(config),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    logger: {
      error: (code, metadata) => logger().error({ code, metadata }, "next-auth error"),
      warn: (code) => logger().warn({ code }, "next-auth warning"),
      debug: () => {},
    },
    callbacks: {
      async signIn({ account, user, profile }) {
        if (account?.provider !== "github") return true;
        if (!user.email) return "/sign-in?error=GitHubEmailMissing";
        try {
          const { db } = await getAppDatabase();
          const local = await findOrCreateOAuthUser(db, {
            provider: "github",
            providerAccountId: account.providerAccountId,
            email: user.email,
            name: user.name ?? (profile as { login?: string } | undefined)?.login ?? null,
            image: user.image ?? null,
          });
          // The jwt callback reads the local id from here.
          user.id = local.id;
          return true;
        } catch (error) {
          logger().warn({ err: error }, "GitHub sign-in refused");
          return "/sign-in?error=OAuthAccountNotLinked";
        }
      },
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.uid) session.user = { ...session.user, id: token.uid, email: session.user?.email ?? token.email ?? "" };
        return session;
      },
    },
  };
}

export function githubEnabled(config: Env = env()): boolean {
  return Boolean(config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET);
}
