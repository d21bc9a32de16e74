import { parse, tokensToRegexp, type Token } from "path-to-regexp";

/**
 * A `config.matcher` source compiled the way next@16 compiles it
 * (build/analysis/get-page-static-info.js getMiddlewareMatchers + lib/try-to-parse-path.js):
 *  - the source is wrapped in an optional `/_next/data/<build-id>` prefix and an optional
 *    `.json` / `.rsc` / `.segments/…segment.rsc` suffix (root "/" gets its own index suffix);
 *  - path-to-regexp v6 `parse` + `tokensToRegexp` with default options (strict: false, end: true);
 *    on "Can not repeat … without a prefix and suffix" repeating tokens get a "/" prefix and it retries;
 *  - only the regex *source* is kept and the runtime does `new RegExp(source)`: no "i" flag,
 *    so matching is case-sensitive (unlike path-to-regexp's own default).
 * i18n locales and basePath are not modelled: App Router projects match the pathname without them.
 * Returns undefined for a source Next.js rejects (the build fails on it).
 */
export function nextMatcherRegExp(source: string): RegExp | undefined {
  if (!source.startsWith("/") || regexSource(source) === undefined) return undefined;
  const full = `${NEXT_DATA_PREFIX}${source}${source === "/" ? ROOT_SUFFIX : SUFFIX}`;
  const compiled = regexSource(full);
  return compiled === undefined ? undefined : new RegExp(compiled);
}

const TRANSPORT = String.raw`\.rsc|\.segments/.+\.segment\.rsc`;
const NEXT_DATA_PREFIX = "/:nextData(_next/data/[^/]{1,})?";
const SUFFIX = String.raw`{(\.json|${TRANSPORT})}?`;
const ROOT_SUFFIX = String.raw`(/?index|/?index\.json|/?index(?:${TRANSPORT}))?`;

function regexSource(path: string): string | undefined {
  try {
    const tokens = parse(path);
    try {
      return tokensToRegexp(tokens).source;
    } catch {
      return tokensToRegexp(tokens.map(withSlashPrefix)).source;
    }
  } catch {
    return undefined;
  }
}

/** next's normalizeTokensForRegexp: a repeated token with no prefix and suffix gets "/" as prefix. */
function withSlashPrefix(token: Token): Token {
  if (typeof token === "string") return token;
  const repeats = token.modifier === "*" || token.modifier === "+";
  return repeats && token.prefix === "" && token.suffix === "" ? { ...token, prefix: "/" } : token;
}

/** Does the pathname run the middleware, per Next.js? Tried raw and decoded, as next-server does. */
export function matchesPath(regexp: RegExp, pathname: string): boolean {
  const normalized = pathname.replace(/\/$/, "") || "/";
  return regexp.test(normalized) || regexp.test(safeDecode(normalized));
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
