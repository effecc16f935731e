export * from "./schema/fees";
export * from "./schema/governance";
export * from "./schema/staking";
export * from "./schema/token";
export * from "./schema/verification";
