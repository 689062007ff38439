/** Only same-site paths may be redirected to after sign-in (no open redirects). */
export function safeCallbackUrl(value: string | string[] | undefined, fallback = "/"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  return raw;
}
