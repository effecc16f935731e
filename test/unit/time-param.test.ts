import { describe, expect, it } from "vitest";
import { isoTime, parseTime } from "../../lib/time";

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

describe("isoTime", () => {
  it("writes what toISOString writes, for period starts in runs and for any second", () => {
    const seconds = [
      0,
      59,
      86_399,
      86_400,
      951_782_400, // 2000-02-29
      1_796_027_657,
      253_402_300_799, // the last second of year 9999
      253_402_300_800, // six-digit years from here
      -1,
      1.5,
    ];
    for (let hour = 0; hour < 24 * 40; hour++) seconds.push(1_788_220_800 + hour * 3600);
    for (let i = 0; i < 2000; i++) seconds.push(Math.floor(Math.random() * 253_402_300_800));
    for (const value of seconds) expect(isoTime(value), String(value)).toBe(new Date(value * 1000).toISOString());
  });
});
