export * from "./schema/token";
export * from "./schema/verification";
