import type { ArrayExpression, Node } from "@babel/types";
import type MagicString from "magic-string";
import type { Matcher } from "./config.js";
import { unwrapTs } from "./literal.js";
import type { Token } from "./parse.js";
import type { SourceFile } from "./source.js";
import type { CodeStyle } from "./style.js";
import { endOfStatementLine, lineIndent, quoteString, spansLines } from "./text.js";

type EditInput = Pick<SourceFile, "code" | "tokens" | "style">;

/** Adds `source` to `config.matcher`, keeping the array's layout. A string matcher becomes an array. */
export function addMatcherEntry(ms: MagicString, input: EditInput, matcher: Matcher, source: string): void {
  if (matcher.kind === "everywhere") return;
  const literal = quoteString(source, quoteOf(input, matcher) ?? input.style.quote);
  if (matcher.kind === "string") {
    const node = unwrapTs(matcher.node);
    const old = input.code.slice(node.start ?? 0, node.end ?? 0);
    ms.overwrite(node.start ?? 0, node.end ?? 0, `[${old}, ${literal}]`);
    return;
  }
  const elements = matcher.node.elements.filter((el): el is NonNullable<typeof el> => el !== null);
  const last = elements.at(-1);
  if (!last) {
    ms.overwrite(matcher.node.start ?? 0, matcher.node.end ?? 0, `[${literal}]`);
  } else if (spansLines(input.code, matcher.node.start ?? 0, matcher.node.end ?? 0)) {
    appendOnNewLine(ms, input, matcher.node, last, literal);
  } else {
    appendInline(ms, input, matcher.node, elements, literal);
  }
}

/** The quote the matcher's own strings use, if any. */
function quoteOf(input: EditInput, matcher: Exclude<Matcher, { kind: "everywhere" }>): CodeStyle["quote"] | undefined {
  for (const entry of matcher.entries) {
    const node = unwrapTs(entry.node);
    if (node.type === "StringLiteral") return input.code[node.start ?? 0] === "'" ? "'" : '"';
  }
  return undefined;
}

function trailingComma(input: EditInput, array: ArrayExpression, last: Node): Token | undefined {
  const close = (array.end ?? 0) - 1;
  return input.tokens.find((t) => t.label === "," && t.start >= (last.end ?? 0) && t.start < close);
}

function appendOnNewLine(ms: MagicString, input: EditInput, array: ArrayExpression, last: Node, literal: string): void {
  const comma = trailingComma(input, array, last);
  if (!comma) ms.appendLeft(last.end ?? 0, ",");
  const anchor = comma?.end ?? last.end ?? 0;
  const at = endOfStatementLine(input.code, input.tokens, anchor);
  ms.appendLeft(at, `${input.style.eol}${lineIndent(input.code, last.start ?? 0)}${literal}${comma ? "," : ""}`);
}

function appendInline(ms: MagicString, input: EditInput, array: ArrayExpression, elements: Node[], literal: string): void {
  const [first, second] = elements;
  const between = first && second ? input.code.slice(first.end ?? 0, second.start ?? 0) : ", ";
  const space = /^\s*,(\s*)$/.exec(between)?.[1] ?? " ";
  const last = elements.at(-1) as Node;
  const comma = trailingComma(input, array, last);
  if (comma) ms.appendLeft(comma.end, `${space}${literal},`);
  else ms.appendLeft(last.end ?? 0, `,${space}${literal}`);
}
