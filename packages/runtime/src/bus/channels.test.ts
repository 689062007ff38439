import { describe, expect, it } from "vitest";
import { formatRunEventNotice, parseRunEventNotices, parseRunIds, splitPayload } from "./channels";

describe("notification payloads", () => {
  it("splits the origin from the body, and rejects payloads without one", () => {
    expect(splitPayload("abc|x;y")).toEqual({ origin: "abc", body: "x;y" });
    expect(splitPayload("abc|")).toEqual({ origin: "abc", body: "" });
    expect(splitPayload("no origin")).toBeNull();
    expect(splitPayload("|body")).toBeNull();
  });

  it("parses run event notices, skipping malformed entries", () => {
    expect(parseRunEventNotices("r1,w1,5;bad;r2,w2,x;r3,w3,7")).toEqual([
      { runId: "r1", workspaceId: "w1", eventId: 5 },
      { runId: "r3", workspaceId: "w3", eventId: 7 },
    ]);
    expect(parseRunIds("a;b;")).toEqual(["a", "b"]);
  });

  it("carries whether the run ended with the events announced", () => {
    const notices = [
      { runId: "r1", workspaceId: "w1", eventId: 5 },
      { runId: "r2", workspaceId: "w2", eventId: 9, finished: true },
    ];
    expect(notices.map(formatRunEventNotice)).toEqual(["r1,w1,5", "r2,w2,9,f"]);
    expect(parseRunEventNotices(notices.map(formatRunEventNotice).join(";"))).toEqual(notices);
  });
});
