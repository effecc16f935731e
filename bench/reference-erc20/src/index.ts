import { ponder } from "ponder:registry";
import { account, allowance, approvalEvent, transferEvent } from "ponder:schema";

ponder.on("ERC20:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  await context.db
    .insert(account)
    .values({ address: from, balance: 0n, isOwner: false })
    .onConflictDoUpdate((row) => ({ balance: row.balance - value }));
  await context.db
    .insert(account)
    .values({ address: to, balance: value, isOwner: false })
    .onConflictDoUpdate((row) => ({ balance: row.balance + value }));
  await context.db.insert(transferEvent).values({ id: event.id, amount: value, timestamp: Number(event.block.timestamp), from, to });
});

ponder.on("ERC20:Approval", async ({ event, context }) => {
  const { owner, spender, value } = event.args;
  await context.db.insert(allowance).values({ owner, spender, amount: value }).onConflictDoUpdate({ amount: value });
  await context.db.insert(approvalEvent).values({ id: event.id, amount: value, timestamp: Number(event.block.timestamp), owner, spender });
});
