export * from "./schema/token";
export * from "./schema/verification";
export * from "./schema/fees";
export * from "./schema/staking";
export * from "./schema/governance";
