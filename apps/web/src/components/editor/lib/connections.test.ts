import { describe, expect, it } from "vitest";
import { checkConnection, outputsOf, reaches } from "./connections";
import { descriptors, node, orderRouter } from "./test-fixtures";

const types = descriptors();
const check = (source: string, target: string, sourceHandle: string | null = null, targetHandle: string | null = null) =>
  checkConnection(orderRouter(), types, { source, sourceHandle, target, targetHandle });

describe("which connections the canvas accepts", () => {
  it("accepts an output to an input and names the default handles", () => {
    expect(check("big", "small")).toEqual({ ok: true, connection: { source: "big", sourceHandle: "out", target: "small", targetHandle: "in" } });
  });

  it("refuses, with a hint, what the node types do not allow", () => {
    expect(check("big", "big")).toEqual({ ok: false, reason: "A node cannot connect to itself." });
    expect(check("big", "trigger")).toMatchObject({ ok: false, reason: expect.stringContaining("triggers start a workflow and take no input") });
    expect(check("shape", "check")).toMatchObject({ ok: false, reason: "These two handles are already connected." });
    expect(check("big", "shape")).toMatchObject({ ok: false, reason: expect.stringContaining("loop") });
    expect(check("check", "small")).toMatchObject({ ok: false, reason: expect.stringContaining("outputs") });
    expect(check("big", "small", "out", "true")).toMatchObject({ ok: false, reason: expect.stringContaining("to an input") });
    expect(check("big", "nowhere")).toMatchObject({ ok: false });
  });

  it("lets a second branch use the other handle", () => {
    expect(check("check", "shape", "false")).toMatchObject({ ok: false, reason: expect.stringContaining("loop") });
    const definition = { ...orderRouter(), edges: orderRouter().edges.filter((e) => e.id !== "e4") };
    expect(checkConnection(definition, types, { source: "check", sourceHandle: "false", target: "small", targetHandle: null }).ok).toBe(true);
  });

  it("derives a switch's outputs from its cases", () => {
    const sw = node("route", "switch", { cases: [{ id: "paid", label: "Paid", expression: "true" }, { id: "refund", expression: "false" }] });
    expect(outputsOf(sw, types.get("switch")).map((h) => `${h.id}:${h.label}`)).toEqual(["paid:Paid", "refund:refund", "default:Default"]);
    expect(outputsOf({ ...sw, continueOnFail: true }, types.get("switch")).at(-1)?.id).toBe("error");
    expect(outputsOf(node("t", "trigger.manual"), types.get("trigger.manual"), true).map((h) => h.id)).toEqual(["out"]);
  });

  it("follows edges to find cycles", () => {
    expect(reaches(orderRouter(), "trigger", "small")).toBe(true);
    expect(reaches(orderRouter(), "small", "trigger")).toBe(false);
  });
});
