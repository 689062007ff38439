import { expect, it } from "vitest";
import { parseEnv } from "@trellis/config";
import { buildAuthOptions, githubEnabled } from "./next-auth-options";

const secret = "x".repeat(40);

it("offers email and password always, and GitHub only when both of its variables are set", () => {
  const plain = parseEnv({ AUTH_SECRET: secret });
  expect(buildAuthOptions(plain).providers.map((p) => p.id)).toEqual(["credentials"]);
  expect(githubEnabled(plain)).toBe(false);

  const withGitHub = parseEnv({ AUTH_SECRET: secret, AUTH_GITHUB_ID: "Iv1.abc", AUTH_GITHUB_SECRET: "shh" });
  expect(buildAuthOptions(withGitHub).providers.map((p) => p.id)).toEqual(["credentials", "github"]);
  expect(githubEnabled(withGitHub)).toBe(true);
});

it("signs sessions with the configured secret as JWTs", () => {
  const options = buildAuthOptions(parseEnv({ AUTH_SECRET: secret }));
  expect(options.secret).toBe(secret);
  expect(options.session?.strategy).toBe("jwt");
  expect(options.pages).toEqual({ signIn: "/sign-in", error: "/sign-in" });
});

it("refuses to generate a per-instance secret for a shared production database", () => {
  expect(() => buildAuthOptions(parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://db/trellis" }))).toThrow(
    "AUTH_SECRET must be set when DATABASE_URL is set",
  );
});
