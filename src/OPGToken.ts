import { ponder } from "ponder:registry";
import { approval, tokenSupply, transfer } from "ponder:schema";
import { appConfig } from "../lib/env";
import { circulatingSupply, holderDelta, isBurn, isMint } from "../lib/supply";
import { offerTransferToSettlements } from "./entities/fees";
import { changeBalance, getOrCreateSupply, recordTokenPeriods, SUPPLY_ID } from "./entities/token";

const nonCirculating = new Set(appConfig.nonCirculating.map((entry) => entry.address.toLowerCase()));
const feesIndexed = appConfig.x402 !== null;

ponder.on("OPGToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  const db = context.db;

  await db.insert(transfer).values({
    id: event.id,
    from,
    to,
    amount: value,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });

  const supply = await getOrCreateSupply(db);
  const minted = isMint(from) ? value : 0n;
  const burned = isBurn(to) ? value : 0n;
  let holders = supply.holders;
  let nonCirculatingBalance = supply.nonCirculating;

  if (!minted) {
    const { before, after } = await changeBalance(db, from, -value, event);
    holders += holderDelta(before, after);
    if (nonCirculating.has(from.toLowerCase())) nonCirculatingBalance -= value;
  }
  if (!burned) {
    const { before, after } = await changeBalance(db, to, value, event);
    holders += holderDelta(before, after);
    if (nonCirculating.has(to.toLowerCase())) nonCirculatingBalance += value;
  }

  const totalSupply = supply.totalSupply + minted - burned;
  const updated = await db.update(tokenSupply, { id: SUPPLY_ID }).set({
    minted: supply.minted + minted,
    burned: supply.burned + burned,
    totalSupply,
    nonCirculating: nonCirculatingBalance,
    circulatingSupply: circulatingSupply(totalSupply, nonCirculatingBalance),
    holders,
    transferCount: supply.transferCount + 1,
    lastBlock: event.block.number,
    lastTimestamp: event.block.timestamp,
  });

  await recordTokenPeriods(db, updated, { amount: value, minted, burned }, event);

  if (feesIndexed) {
    await offerTransferToSettlements(db, event.transaction.hash, {
      from: from.toLowerCase() as `0x${string}`,
      to: to.toLowerCase() as `0x${string}`,
      amount: value,
      logIndex: event.log.logIndex,
    });
  }
});

ponder.on("OPGToken:Approval", async ({ event, context }) => {
  await context.db.insert(approval).values({
    id: event.id,
    owner: event.args.owner,
    spender: event.args.spender,
    amount: event.args.value,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
});
