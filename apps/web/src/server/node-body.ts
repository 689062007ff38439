import type { IncomingMessage } from "node:http";

/** A request body read whole, or (past the bound) what was read of it, the request paused there. */
export type BodyUpTo = { complete: true; body: Buffer } | { complete: false; head: Buffer[]; size: number };

/**
 * Reads a Node.js request's body whole when it is at most `max` bytes;
 * past that, stops there and hands over what it read, so the caller streams
 * the rest (the fetch adapter) or refuses it (webhook ingress). Rejects when
 * the connection closes before the body ends.
 */
export function readBodyUpTo(req: IncomingMessage, max: number): Promise<BodyUpTo> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= max) return;
      cleanup();
      req.pause();
      resolve({ complete: false, head: chunks, size });
    };
    const onEnd = () => {
      cleanup();
      resolve({ complete: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(Object.assign(new Error("the connection closed before the whole body arrived"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}
