import { describe, expect, it } from "vitest";
import { postgresErrorCode } from "./errors";

describe("postgresErrorCode", () => {
  it("finds the SQLSTATE on the error or down its cause chain", () => {
    expect(postgresErrorCode(Object.assign(new Error("dup"), { code: "23505" }))).toBe("23505");
    const driverError = Object.assign(new Error("duplicate key"), { code: "23505" });
    expect(postgresErrorCode(new Error("Failed query", { cause: driverError }))).toBe("23505");
    expect(postgresErrorCode(new Error("outer", { cause: new Error("middle", { cause: driverError }) }))).toBe("23505");
  });

  it("ignores Node system error codes and values that are not errors", () => {
    expect(postgresErrorCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(postgresErrorCode(new Error("plain"))).toBeUndefined();
    expect(postgresErrorCode("23505")).toBeUndefined();
    expect(postgresErrorCode(null)).toBeUndefined();
    expect(postgresErrorCode(undefined)).toBeUndefined();
  });
});
