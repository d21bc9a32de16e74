// Text that goes on a command line the user copies.

/** Shell-safe on a command line: quoted unless made of plain characters. */
export function shellQuote(value: string): string {
  // Brackets are quoted: zsh treats [id] as a glob and aborts with "no matches found".
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
