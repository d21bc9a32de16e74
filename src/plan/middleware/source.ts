import type { File } from "@babel/types";
import type { Bindings } from "./bindings.js";
import type { Token } from "./parse.js";
import type { CodeStyle } from "./style.js";

/** An existing middleware file, parsed once and handed to every edit. */
export interface SourceFile {
  code: string;
  ast: File;
  tokens: Token[];
  bindings: Bindings;
  style: CodeStyle;
  /** A .ts/.tsx/.mts file: generated parameters get type annotations. */
  typescript: boolean;
}
