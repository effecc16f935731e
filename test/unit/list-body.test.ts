import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyDigest, csvList, finalShaper, jsonList, markFinal, rowJson } from "../../lib/list-body";

const text = (bytes: Buffer) => bytes.toString("utf8");

describe("list bodies", () => {
  it("writes the same JSON as JSON.stringify, final rows and others, in order", () => {
    const meta = { interval: "hour", from: 1, asOf: { block: 7, timestamp: 9 }, skipped: undefined, note: 'é ✓ "q"' };
    const rows = [
      markFinal({ timestamp: 0, volume: "10", label: null }),
      { timestamp: 3600, volume: "0", label: "treasury \u2028" },
      markFinal({ timestamp: 7200, volume: "5", label: "a,b" }),
    ];
    expect(text(jsonList(meta, rows))).toBe(JSON.stringify({ ...meta, data: rows }));
    expect(text(jsonList({}, rows))).toBe(JSON.stringify({ data: rows }));
    expect(text(jsonList(meta, []))).toBe(JSON.stringify({ ...meta, data: [] }));
    expect(JSON.parse(text(jsonList(meta, rows))).data[1].label).toBe("treasury \u2028");
  });

  it("writes a final row once and any other row every time", () => {
    const final = markFinal({ count: 1 });
    expect(rowJson(final)).toBe(rowJson(final));
    const open = { count: 1 };
    expect(text(rowJson(open))).toBe('{"count":1}');
    open.count = 2;
    expect(text(rowJson(open))).toBe('{"count":2}');
    expect(text(jsonList({}, [open]))).toBe('{"data":[{"count":2}]}');
  });

  it("tags bodies so that equal tags mean equal bodies, hashing a final row's text once", () => {
    const sha1 = (input: Uint8Array | string) => createHash("sha1").update(input).digest("base64url");
    const meta = { interval: "hour" };
    // Without final rows, and for any other body, the tag is the body's own hash.
    const plain = jsonList(meta, [{ a: 1 }]);
    expect(bodyDigest(plain)).toBe(sha1(plain));
    expect(bodyDigest('{"x":1}')).toBe(sha1('{"x":1}'));
    expect(bodyDigest(Buffer.from(plain))).toBe(sha1(plain));

    const [first, second] = [markFinal({ timestamp: 0, v: "1" }), markFinal({ timestamp: 3600, v: "2" })];
    const open = { timestamp: 7200, v: "3" };
    const body = jsonList(meta, [first, second, open]);
    const tag = bodyDigest(body);
    expect(tag).not.toBe(sha1(body));
    // The same rows in another answer tag the same; any change to a row, the order or the metadata does not.
    expect(bodyDigest(jsonList(meta, [first, second, open]))).toBe(tag);
    expect(bodyDigest(jsonList(meta, [first, second, { ...open }]))).toBe(tag);
    expect(bodyDigest(jsonList(meta, [first, second, { ...open, v: "4" }]))).not.toBe(tag);
    expect(bodyDigest(jsonList(meta, [second, first, open]))).not.toBe(tag);
    expect(bodyDigest(jsonList({ interval: "day" }, [first, second, open]))).not.toBe(tag);
    expect(bodyDigest(jsonList(meta, [first, open]))).not.toBe(tag);
    // A final row tags as its text would: the same values, final or not, in a final row's place.
    expect(bodyDigest(jsonList(meta, [first, markFinal({ ...second }), open]))).toBe(tag);
  });

  it("shapes a final row once and reuses it, and shapes other rows every time", () => {
    const shapeRows = finalShaper<{ id: number }, { id: number; shapedBy: number }>();
    const final = markFinal({ id: 1 });
    const open = { id: 2 };
    let calls = 0;
    const shape = (row: { id: number }) => ({ id: row.id, shapedBy: ++calls });
    const first = shapeRows([final, open], shape);
    const second = shapeRows([final, open], shape);
    expect(second[0]).toBe(first[0]);
    expect(second[0]!.shapedBy).toBe(1);
    expect(second[1]!.shapedBy).toBe(3);
    expect(calls).toBe(3);
    // The shaped final row is final too: its text is written once.
    expect(rowJson(second[0]!)).toBe(rowJson(first[0]!));
  });

  it("writes CSV with a header of the first row's keys, quoting what needs it", () => {
    const rows = [
      { time: "2026-01-01T00:00:00.000Z", label: 'say "hi", then\nleave', amount: "12", extra: null, list: [1, 2] },
      { time: "2026-01-01T01:00:00.000Z", label: "plain", amount: "0", extra: undefined, list: [] },
    ];
    expect(text(csvList(rows))).toBe(
      [
        "time,label,amount,extra,list",
        '2026-01-01T00:00:00.000Z,"say ""hi"", then\nleave",12,,"[1,2]"',
        "2026-01-01T01:00:00.000Z,plain,0,,[]",
        "",
      ].join("\n"),
    );
    expect(csvList([]).length).toBe(0);
  });
});
