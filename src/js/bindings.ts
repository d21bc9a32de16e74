// A module's top-level names: what it imports (values only) and what it declares.
import type { File, Node } from "@babel/types";

export interface ImportBinding {
  source: string;
  /** Imported name; "default" or "*" for default and namespace imports. */
  imported: string;
}

/** Top-level names of the module: what is imported (values only) and what is declared. */
export interface Bindings {
  imports: Map<string, ImportBinding>;
  /** FunctionDeclaration or VariableDeclarator (also for `const { a } = …`), by name. */
  locals: Map<string, Node>;
  /** Every top-level name, type imports included (for picking names that don't clash). */
  taken: Set<string>;
}

export function collectBindings(ast: File): Bindings {
  const bindings: Bindings = { imports: new Map(), locals: new Map(), taken: new Set() };
  for (const node of ast.program.body) {
    if (node.type === "ImportDeclaration") addImports(bindings, node);
    const decl =
      node.type === "ExportNamedDeclaration" || node.type === "ExportDefaultDeclaration" ? node.declaration : node;
    if (!decl) continue;
    if ((decl.type === "TSTypeAliasDeclaration" || decl.type === "TSInterfaceDeclaration") && decl.id)
      bindings.taken.add(decl.id.name);
    if ((decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration") && decl.id) {
      bindings.locals.set(decl.id.name, decl);
      bindings.taken.add(decl.id.name);
    }
    if (decl.type === "VariableDeclaration") {
      for (const declarator of decl.declarations) {
        for (const name of patternNames(declarator.id)) {
          bindings.locals.set(name, declarator);
          bindings.taken.add(name);
        }
      }
    }
  }
  return bindings;
}

/** Names a declaration pattern binds: `a`, `{ a, b: c }` → a, c, `[d, ...e]` → d, e. */
export function patternNames(node: Node): string[] {
  switch (node.type) {
    case "Identifier":
      return [node.name];
    case "ObjectPattern":
      return node.properties.flatMap((p) => patternNames(p.type === "RestElement" ? p.argument : p.value));
    case "ArrayPattern":
      return node.elements.flatMap((el) => (el ? patternNames(el) : []));
    case "AssignmentPattern":
      return patternNames(node.left);
    case "RestElement":
      return patternNames(node.argument);
    default:
      return [];
  }
}

function addImports(bindings: Bindings, node: Extract<Node, { type: "ImportDeclaration" }>): void {
  const typeOnly = node.importKind === "type" || node.importKind === "typeof";
  for (const spec of node.specifiers) {
    bindings.taken.add(spec.local.name);
    if (typeOnly || (spec.type === "ImportSpecifier" && spec.importKind === "type")) continue;
    const imported =
      spec.type === "ImportDefaultSpecifier"
        ? "default"
        : spec.type === "ImportNamespaceSpecifier"
          ? "*"
          : spec.imported.type === "Identifier"
            ? spec.imported.name
            : spec.imported.value;
    bindings.imports.set(spec.local.name, { source: node.source.value, imported });
  }
}

/** The export name `callee` refers to when it is imported from `source` (directly or through a namespace). */
export function importedNameOf(callee: Node, bindings: Bindings, source: string): string | undefined {
  if (callee.type === "Identifier") {
    const binding = bindings.imports.get(callee.name);
    return binding?.source === source ? binding.imported : undefined;
  }
  if (
    callee.type === "MemberExpression" &&
    !callee.computed &&
    callee.object.type === "Identifier" &&
    callee.property.type === "Identifier"
  ) {
    const binding = bindings.imports.get(callee.object.name);
    return binding?.source === source && binding.imported === "*" ? callee.property.name : undefined;
  }
  return undefined;
}

export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}
