import { AppError } from "@trellis/config/errors";

/**
 * Reads a JSON body no larger than `limit` bytes. The stream is cut off as
 * soon as the limit is passed, so an oversized upload is never buffered whole.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
  }
  const text = await readTextLimited(request, limit);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON");
  }
}

export async function readTextLimited(request: Request, limit: number): Promise<string> {
  return (await readBytesLimited(request, limit)).toString("utf8");
}

/** The raw bytes of a body no larger than `limit` (signatures are computed over bytes, not text). */
export async function readBytesLimited(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function tooLarge(limit: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The body is larger than the ${limit}-byte limit`);
}
