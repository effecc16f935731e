import { describe, expect, it } from "vitest";
import { parseTime } from "../../lib/time";

describe("parseTime", () => {
  it("reads unix seconds and ISO 8601 dates in UTC", () => {
    expect(parseTime("1700000000")).toBe(1_700_000_000);
    expect(parseTime("2024-03-01")).toBe(Date.UTC(2024, 2, 1) / 1000);
    expect(parseTime("2024-03-01T12:30:00")).toBe(Date.UTC(2024, 2, 1, 12, 30) / 1000);
    expect(parseTime("2024-03-01T12:30:00Z")).toBe(Date.UTC(2024, 2, 1, 12, 30) / 1000);
    expect(parseTime("2024-03-01T12:30:00.250Z")).toBe(Date.UTC(2024, 2, 1, 12, 30) / 1000);
    expect(parseTime("2024-03-01T14:30+02:00")).toBe(Date.UTC(2024, 2, 1, 12, 30) / 1000);
    expect(parseTime("2024-03-01T10:30:00-0200")).toBe(Date.UTC(2024, 2, 1, 12, 30) / 1000);
  });

  it("refuses what Date.parse would have guessed at", () => {
    for (const value of [
      "foo 1",
      "' OR '1'='1",
      "-1",
      "1.5",
      "",
      " ",
      "1e9",
      "0x10",
      "2024-02-30",
      "2024-13-01",
      "2024-03-01T24:00",
      "March 1, 2024",
      "2024-03-01T12:30:00 GMT",
      "2024-3-1",
    ]) {
      expect(parseTime(value), value).toBeNull();
    }
  });
});
