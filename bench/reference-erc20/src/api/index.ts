import { Hono } from "hono";

/** Ponder requires an API file; the baseline serves nothing of its own. */
export default new Hono();
