import { ponder } from "ponder:registry";
import { approval, tokenSupply, transfer } from "ponder:schema";
import { appConfig } from "../lib/env";
import { holderDelta, isBurn, isMint } from "../lib/supply";
import { offerTransferToSettlements } from "./entities/fees";
import { changeBalance, getOrCreateSupply, recordSupplyBlock, recordTokenPeriods, SUPPLY_ID } from "./entities/token";

const feesIndexed = appConfig.x402 !== null;

ponder.on("OPGToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  const db = context.db;

  const supply = await getOrCreateSupply(db);
  // Mint and burn are decided by the zero address alone: a zero-value mint must not touch 0x0's balance.
  const mint = isMint(from);
  const burn = isBurn(to);
  const minted = mint ? value : 0n;
  const burned = burn ? value : 0n;
  let holders = supply.holders;

  const sender = mint ? null : await changeBalance(db, from, -value, event);
  if (sender) holders += holderDelta(sender.before, sender.after);
  const receiver = burn ? null : await changeBalance(db, to, value, event);
  if (receiver) holders += holderDelta(receiver.before, receiver.after);

  // Each side's balance after the transfer rides on its row: as-of balances need no table of their own.
  await db.insert(transfer).values({
    id: event.id,
    from,
    to,
    amount: value,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    fromBalance: sender?.after ?? null,
    fromTransferCount: sender?.transferCount ?? null,
    toBalance: receiver?.after ?? null,
    toTransferCount: receiver?.transferCount ?? null,
  });

  const updated = await db.update(tokenSupply, { id: SUPPLY_ID }).set({
    minted: supply.minted + minted,
    burned: supply.burned + burned,
    totalSupply: supply.totalSupply + minted - burned,
    holders,
    transferCount: supply.transferCount + 1,
    lastBlock: event.block.number,
    lastTimestamp: event.block.timestamp,
  });

  await recordSupplyBlock(db, updated, event);
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
