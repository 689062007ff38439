import { createHash, randomBytes } from "node:crypto";

/** A random URL-safe token; only its hash is ever stored. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
