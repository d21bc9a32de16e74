// The modules the audit's interpreter runs code from: each parsed once per audit, its top-level
// names evaluated lazily (once), its imports followed into the project's own modules (the route's
// folder, `@/…` and the tsconfig paths, resolved by scan.ts) or known as a library's exports.
import type { File, Node } from "@babel/types";
import type { Bindings } from "../js/bindings.js";
import { moduleExports, type ModuleExport } from "../js/exports.js";
import { readModule } from "../js/parse.js";
import { TooComplex, type Interpreter } from "./interpret.js";
import { assignedNames } from "./operators.js";
import { Binding, UNKNOWN, type ModuleScope, type Scope, type Value } from "./values.js";

/** Where an import leads: a project module (its text), one that cannot be read, or a library (undefined). */
export type ModuleSource = (
  specifier: string,
  fromFile: string,
) => { kind: "project"; path: string; code: string } | { kind: "unreadable"; why: string } | undefined;

export class LoadedModule implements ModuleScope {
  readonly root: Scope;
  readonly exports: ModuleExport[];
  private readonly values = new Map<string, Value | "pending">();
  /** Names assigned anywhere in the module (a `let` some function changes has no one value). */
  private assigned: Set<string> | undefined;

  constructor(
    readonly path: string,
    readonly code: string,
    readonly ast: File,
    readonly bindings: Bindings,
    private readonly modules: Modules,
  ) {
    this.root = { vars: new Map(), parent: undefined, module: this };
    this.exports = moduleExports(ast);
  }

  lookupLocal(name: string): Value | undefined {
    const decl = this.bindings.locals.get(name);
    if (!decl) return undefined;
    const cached = this.values.get(name);
    if (cached === "pending") return UNKNOWN; // a value defined in terms of itself
    if (cached) return cached;
    this.values.set(name, "pending");
    const value = this.evaluateLocal(name, decl);
    this.values.set(name, value);
    return value;
  }

  private evaluateLocal(name: string, decl: Node): Value {
    if (decl.type === "FunctionDeclaration") return { k: "fn", fn: decl, scope: this.root, taint: [] };
    if (decl.type !== "VariableDeclarator" || !decl.init) return UNKNOWN;
    this.assigned ??= assignedNames(this.ast.program);
    if (this.assigned.has(name)) return UNKNOWN;
    const interpreter = this.modules.interpreter();
    try {
      const st = { store: new Map<Binding, Value>(), forced: [] };
      const results = interpreter.expr(decl.init, this.root, st);
      const first = results.find((r): r is { v: Value; st: typeof st } => "v" in r);
      if (!first) return UNKNOWN;
      if (decl.id.type === "Identifier") return first.v;
      const scope: Scope = { vars: new Map(), parent: this.root, module: this };
      interpreter.bindPattern(decl.id, first.v, scope, first.st);
      const binding = scope.vars.get(name);
      return binding ? (first.st.store.get(binding) ?? UNKNOWN) : UNKNOWN;
    } catch (error) {
      if (error instanceof TooComplex) return UNKNOWN;
      throw error;
    }
  }

  lookupImport(name: string): Value | undefined {
    const imported = this.bindings.imports.get(name);
    if (!imported) return undefined;
    return this.modules.importValue(imported.source, imported.imported, this.path);
  }

  /** The value exported under `name` (undefined: not exported here). */
  exportValue(name: string, seen = new Set<LoadedModule>()): Value | undefined {
    if (seen.has(this)) return undefined;
    seen.add(this);
    const exp = this.exports.find((e) => e.name === name);
    if (exp) return this.valueOf(exp);
    for (const star of this.exports.filter((e) => e.form.kind === "star")) {
      const source = (star.form as { source: string }).source;
      const target = this.modules.moduleFor(source, this.path);
      if (target instanceof LoadedModule) {
        const value = target.exportValue(name, seen);
        if (value) return value;
      } else if (typeof target === "string") {
        return { k: "opaque", why: target, taint: [] };
      } else {
        return { k: "opaque", why: `may be re-exported from ${source}`, taint: [] };
      }
    }
    return undefined;
  }

  valueOf(exp: ModuleExport): Value {
    const { form } = exp;
    switch (form.kind) {
      case "declaration":
        return form.node.type === "FunctionDeclaration"
          ? { k: "fn", fn: form.node, scope: this.root, taint: [] }
          : UNKNOWN;
      case "variable":
        return form.declarator.id.type === "Identifier"
          ? (this.lookupLocal(form.declarator.id.name) ?? UNKNOWN)
          : UNKNOWN;
      case "pattern":
        return this.lookupLocal(exp.name) ?? UNKNOWN;
      case "expression": {
        const cached = this.values.get("\0default");
        if (cached && cached !== "pending") return cached;
        const st = { store: new Map<Binding, Value>(), forced: [] };
        let value: Value = UNKNOWN;
        try {
          const first = this.modules
            .interpreter()
            .expr(form.node, this.root, st)
            .find((r) => "v" in r);
          if (first && "v" in first) value = first.v;
        } catch (error) {
          if (!(error instanceof TooComplex)) throw error;
        }
        this.values.set("\0default", value);
        return value;
      }
      case "local":
        return this.lookupLocal(form.local) ?? this.lookupImport(form.local) ?? UNKNOWN;
      case "reexport":
        return this.modules.importValue(form.source, form.imported, this.path);
      case "star":
        return UNKNOWN;
    }
  }
}

export class Modules {
  private readonly loaded = new Map<string, LoadedModule | string>();
  interpreter!: () => Interpreter;

  constructor(private readonly resolve: ModuleSource) {}

  /** A module from its text (the route file itself, or a project module). A syntax error is the message. */
  load(path: string, code: string): LoadedModule | string {
    const cached = this.loaded.get(path);
    if (cached !== undefined) return cached;
    const parsed = readModule(code, path);
    const module = parsed.ok
      ? new LoadedModule(path, code, parsed.ast, parsed.bindings, this)
      : `${path} does not parse (${parsed.error})`;
    this.loaded.set(path, module);
    return module;
  }

  /** Forgets a route file's module once its handlers are classified (helpers stay). */
  drop(path: string): void {
    this.loaded.delete(path);
  }

  /** The project module an import leads to, a reason it cannot be read, or undefined for a library. */
  moduleFor(specifier: string, fromFile: string): LoadedModule | string | undefined {
    const found = this.resolve(specifier, fromFile);
    if (!found) return undefined;
    if (found.kind === "unreadable") return found.why;
    return this.load(found.path, found.code);
  }

  importValue(source: string, imported: string, fromFile: string): Value {
    const module = this.moduleFor(source, fromFile);
    if (module instanceof LoadedModule) {
      if (imported === "*") return namespace(module);
      return module.exportValue(imported) ?? UNKNOWN;
    }
    if (typeof module === "string") return { k: "opaque", why: module, taint: [] };
    return { k: "lib", source, path: imported === "*" ? [] : [imported], taint: [] };
  }
}

/** `import * as helpers from "./helpers"`: an object of the module's exports, read when used. */
function namespace(module: LoadedModule): Value {
  const props = new Map<string, Value>();
  for (const exp of module.exports) {
    if (exp.name !== "*") props.set(exp.name, module.valueOf(exp));
  }
  return { k: "obj", props, fallback: UNKNOWN, taint: [] };
}
