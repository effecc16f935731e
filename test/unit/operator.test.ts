import { bech32 } from "@scure/base";
import { keccak256, toBytes } from "viem";
import { describe, expect, it } from "vitest";
import { commissionTopics, decCoinsToCoins, operatorFromView, VALOPER_PREFIX, valoperAddress } from "../../lib/operator";

const OPERATOR = "0x52908400098527886e0f7030069857d2e4169ee7" as const;

describe("operator address spellings", () => {
  it("encodes the operator's 20 bytes as an ogvaloper bech32 string that decodes back to them", () => {
    const text = valoperAddress(OPERATOR);
    expect(text.startsWith(`${VALOPER_PREFIX}1`)).toBe(true);
    const decoded = bech32.decode(text as `${string}1${string}`);
    expect(Buffer.from(bech32.fromWords(decoded.words)).toString("hex")).toBe(OPERATOR.slice(2));
  });

  it("gives the commission topics of the lower- and upper-case spellings only", () => {
    const text = valoperAddress(OPERATOR);
    expect(commissionTopics(OPERATOR)).toEqual([keccak256(toBytes(text)), keccak256(toBytes(text.toUpperCase()))]);
  });

  it("reads validator().operatorAddress in its EIP-55 form as a lower-case address, and refuses what is no address", () => {
    expect(operatorFromView("0x52908400098527886E0F7030069857D2E4169EE7")).toBe(OPERATOR);
    expect(() => operatorFromView(valoperAddress(OPERATOR))).toThrow();
  });

  it("turns DecCoins into whole base units, dropping the fraction of a unit", () => {
    expect(decCoinsToCoins([{ denom: "aopg", amount: 1_500_000_000_000_000_123n, precision: 18 }])).toEqual([
      { denom: "aopg", amount: "1" },
    ]);
    expect(decCoinsToCoins([{ denom: "aopg", amount: 0n, precision: 18 }])).toEqual([{ denom: "aopg", amount: "0" }]);
    expect(decCoinsToCoins([])).toEqual([]);
  });
});
