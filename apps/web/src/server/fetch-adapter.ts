import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import { readBodyUpTo } from "./node-body";

/** Bodies up to this size are read before the handler runs (one buffer); longer ones are streamed to it. */
const BUFFERED_BODY_BYTES = 64 * 1024;

/**
 * The body of a Node.js request as a web Request takes it: a buffer when it
 * is short, which spares web streams on the common path; otherwise a stream
 * of what was read and the rest, so a handler's size limit still cuts a long
 * body off where it stops reading.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | ReadableStream<Uint8Array>> {
  const read = await readBodyUpTo(req, BUFFERED_BODY_BYTES);
  if (read.complete) return read.body;
  const rest = (async function* () {
    yield* read.head;
    for await (const chunk of req) yield chunk as Buffer;
  })();
  return Readable.toWeb(Readable.from(rest)) as ReadableStream<Uint8Array>;
}

/**
 * A Node.js request as the web Request a route handler takes; its signal
 * aborts when the client goes away before the answer is sent.
 */
export async function toWebRequest(req: IncomingMessage, res: ServerResponse): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const method = req.method ?? "GET";
  const aborted = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) aborted.abort();
  });
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    signal: aborted.signal,
    ...(body === undefined ? {} : { body, duplex: "half" }),
  } as RequestInit);
}

/** Writes a route handler's Response to the Node.js response: an event stream as it comes, anything else in one write. */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) {
    res.end();
  } else if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
  } else {
    res.end(Buffer.from(await response.arrayBuffer()));
  }
}
