import type { ExistingFile, Language } from "../../core/types.js";

export interface MiddlewareContext {
  /** URL pattern of the new route, e.g. "/api/projects/[id]", "/api/docs/[[...slug]]". */
  routePattern: string;
  language: Language;
  /** 15 → middleware, >=16 → proxy. */
  nextMajor: number;
  /** The app lives in src/app. */
  srcDir: boolean;
}

export interface MiddlewareLocation {
  /** Relative posix path of the file to create or patch, e.g. "src/proxy.ts". */
  path: string;
  kind: "proxy" | "middleware";
  /** Present when that file exists. */
  existing?: ExistingFile;
  warnings: string[];
}

export type MiddlewareResult =
  | { status: "unchanged"; reason: string }
  | { status: "created"; after: string; summary: string }
  | { status: "patched"; after: string; summary: string }
  | { status: "refused"; reason: string; manualEdit: string };

export type PlanContext = MiddlewareContext & { path: string };
