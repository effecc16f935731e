import { resolveConfig } from "./config";

/** The process's configuration, resolved once; a bad variable stops start-up here with its name. */
export const appConfig = resolveConfig(process.env);
