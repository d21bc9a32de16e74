export type { MiddlewareContext, MiddlewareLocation, MiddlewareResult } from "./context.js";
export { locateMiddleware } from "./locate.js";
export { planMiddleware } from "./plan.js";
