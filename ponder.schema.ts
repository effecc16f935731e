export * from "./schema/token";
