import { ponder } from "ponder:registry";
import { approval, transfer } from "ponder:schema";
import { appConfig } from "../lib/env";
import { holderDelta, isBurn, isMint } from "../lib/supply";
import { offerTransferToSettlements } from "./entities/fees";
import { addToSupply, changeBalance, closeSupplyBlock, closeSupplyPeriods } from "./entities/token";

const feesIndexed = appConfig.x402 !== null;

ponder.on("OPGToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  const db = context.db;
  // Every read of event.block, .transaction and .log goes through Ponder's access-profiling proxy: read each once.
  const at = { block: { number: event.block.number, timestamp: event.block.timestamp } };
  const transactionHash = event.transaction.hash;
  const logIndex = event.log.logIndex;

  // Mint and burn are decided by the zero address alone: a zero-value mint must not touch 0x0's balance.
  const mint = isMint(from);
  const burn = isBurn(to);
  const minted = mint ? value : 0n;
  const burned = burn ? value : 0n;

  const sender = mint ? null : await changeBalance(db, from, -value, at);
  const receiver = burn ? null : await changeBalance(db, to, value, at);
  const holdersDelta =
    (sender ? holderDelta(sender.before, sender.after) : 0) + (receiver ? holderDelta(receiver.before, receiver.after) : 0);

  // Each side's balance after the transfer rides on its row: as-of balances need no table of their own.
  await db.insert(transfer).values({
    id: event.id,
    from,
    to,
    amount: value,
    blockNumber: at.block.number,
    timestamp: at.block.timestamp,
    transactionHash,
    logIndex,
    fromBalance: sender?.after ?? null,
    fromTransferCount: sender?.transferCount ?? null,
    toBalance: receiver?.after ?? null,
    toTransferCount: receiver?.transferCount ?? null,
  });

  const feeTransaction = feesIndexed ? transactionHash : null;
  const { before, after } = await addToSupply(db, { minted, burned, holdersDelta, amount: value, feeTransaction }, at);
  await closeSupplyBlock(db, before, at);
  await closeSupplyPeriods(db, before, at);

  if (feesIndexed) {
    await offerTransferToSettlements(db, after.unclaimedFeeDepth, {
      from: from.toLowerCase() as `0x${string}`,
      to: to.toLowerCase() as `0x${string}`,
      amount: value,
      logIndex,
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
