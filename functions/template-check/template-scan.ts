import Handlebars from 'handlebars';
import * as z from 'zod';
import { schemaAt, unwrapOptional } from '../domain/rendering/context-schema.ts';
import { HELPER_NAMES } from '../domain/rendering/helpers.ts';

/** Handlebars' own block helpers that only branch or scope; lookup and log stay out. */
const BUILTIN_BLOCKS = new Set(['if', 'unless', 'each', 'with']);
const HELPERS = new Set<string>(HELPER_NAMES);
const DATA_VARIABLES = new Set(['index', 'first', 'last', 'key']);
/** Names every plain object inherits (constructor, __proto__, toString…): never a context field. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
/** Handlebars resolves `this.x`, `./x` and `../x` in the context, never as a block parameter. */
const SCOPED = /^\.|this\b/;

export interface Position {
  line: number;
  column: number;
}

export interface ScanIssue extends Position {
  kind: 'helper' | 'partial' | 'variable' | 'pii';
  message: string;
}

export interface Ignore extends Position {
  rule: string;
  reason: string;
}

export interface ScanResult {
  issues: ScanIssue[];
  /** Absolute context paths the template reads, e.g. links.pay. */
  paths: Set<string>;
  ignores: Ignore[];
}

// biome-ignore lint/suspicious/noExplicitAny: Handlebars' AST nodes are a loose union.
type Node = any;

/** How a non-path argument reads in a message: a literal as written, a sub-expression as a call. */
const describe = (node: Node): string =>
  node.type === 'PathExpression'
    ? (node.data ? '@' : '') + (node.parts as string[]).join('.')
    : node.type === 'SubExpression'
      ? `a helper call (${node.path.original})`
      : JSON.stringify(node.original);

const IGNORE = /^\s*check-ignore\s+([a-z0-9-]+)\s*(?::\s*([\s\S]*?))?\s*$/;

/**
 * Walks a template's syntax tree with the context schema in hand: every helper must be on the
 * allow-list, every path must exist in the schema at its scope (inside {{#each}} the item).
 */
export const scanTemplate = (
  text: string,
  schema: z.ZodType,
  options: { fullPhoneAllowed: boolean },
): ScanResult => {
  const ast = Handlebars.parse(text);
  const issues: ScanIssue[] = [];
  const paths = new Set<string>();
  const ignores: Ignore[] = [];
  const at = (node: Node): Position => ({
    line: node.loc?.start.line ?? 1,
    column: (node.loc?.start.column ?? 0) + 1,
  });

  /**
   * scopes: innermost last; each with the schema and the absolute path it stands for, and the
   * block parameters its block names (`as |item i|`): a scope, or 'data' for an index or key.
   */
  interface Scope {
    schema: z.ZodType | undefined;
    path: string[];
    params?: Map<string, Scope | 'data'>;
  }
  const resolve = (node: Node, scopes: Scope[]): Scope | undefined => {
    if (node.type !== 'PathExpression') return undefined;
    const [head, ...rest] = node.parts as string[];
    if (node.data) {
      if (head === 'root') return lookup(node, { schema, path: [] }, rest);
      if (head && DATA_VARIABLES.has(head) && rest.length === 0) return undefined;
      issues.push({
        kind: 'variable',
        ...at(node),
        message: `unknown data variable @${(node.parts as string[]).join('.')} (only @root, @index, @first, @last, @key)`,
      });
      return undefined;
    }
    if (head !== undefined && node.depth === 0 && !SCOPED.test(node.original)) {
      for (const scope of [...scopes].reverse()) {
        const param = scope.params?.get(head);
        if (param === undefined) continue;
        if (param !== 'data') return lookup(node, param, rest);
        if (rest.length > 0)
          issues.push({
            kind: 'variable',
            ...at(node),
            message: `'${node.original}': ${head} is an index or key, it has no fields`,
          });
        return undefined;
      }
    }
    const base = scopes[Math.max(0, scopes.length - 1 - node.depth)];
    if (!base) return undefined;
    return lookup(node, base, node.parts as string[]);
  };
  const lookup = (node: Node, base: Scope, parts: string[]): Scope | undefined => {
    const path = [...base.path, ...parts];
    const dotted = path.join('.').replace(/\.\[\]/g, '[]');
    if (base.schema === undefined) return undefined;
    const found = parts.length === 0 ? base.schema : schemaAt(base.schema, parts);
    if (!found) {
      const inherited = parts.find((p) => INHERITED.has(p));
      if (inherited !== undefined) {
        issues.push({
          kind: 'variable',
          ...at(node),
          message: `'${node.original}': '${inherited}' is a built-in property of JavaScript objects, not a field of this flow's context`,
        });
      } else if (dotted === 'customer.phone' && !options.fullPhoneAllowed) {
        issues.push({
          kind: 'pii',
          ...at(node),
          message: 'customer.phone is the full number: use customer.maskedPhone',
        });
      } else {
        issues.push({
          kind: 'variable',
          ...at(node),
          message: `'${node.original}' is not in this flow's context${base.path.length ? ` (inside ${base.path.join('.')})` : ''}`,
        });
      }
      return undefined;
    }
    paths.add(dotted);
    return { schema: found, path };
  };

  const value = (node: Node, scopes: Scope[]): Scope | undefined => {
    if (node.type === 'SubExpression') {
      call(node, scopes);
      return undefined;
    }
    return resolve(node, scopes);
  };
  const args = (node: Node, scopes: Scope[]) => {
    for (const p of node.params ?? []) value(p, scopes);
    for (const pair of node.hash?.pairs ?? []) value(pair.value, scopes);
  };
  const call = (node: Node, scopes: Scope[]) => {
    const name = node.path.original as string;
    if (node.path.type !== 'PathExpression' || !HELPERS.has(name)) {
      issues.push({
        kind: 'helper',
        ...at(node),
        message: `helper '${name}' is not on the allow-list (${HELPER_NAMES.join(', ')})`,
      });
    }
    args(node, scopes);
  };

  const visit = (nodes: Node[], scopes: Scope[]) => {
    for (const node of nodes) {
      switch (node.type) {
        case 'MustacheStatement': {
          const name = node.path.original;
          const isCall =
            (node.params?.length ?? 0) > 0 ||
            (node.hash?.pairs?.length ?? 0) > 0 ||
            (node.path.type === 'PathExpression' && HELPERS.has(name));
          if (isCall) {
            call(node, scopes);
            break;
          }
          // Handlebars reads {{"name"}} or {{1}} as a lookup of that property: check it as one.
          const path =
            node.path.type === 'PathExpression'
              ? node.path
              : {
                  type: 'PathExpression',
                  data: false,
                  depth: 0,
                  parts: [String(node.path.original)],
                  original: String(node.path.original),
                  loc: node.path.loc,
                };
          const shown = resolve(path, scopes)?.schema;
          const inner = shown ? unwrapOptional(shown) : undefined;
          // An object or list prints as "[object Object]", text from Object.prototype.toString.
          if (inner instanceof z.ZodObject || inner instanceof z.ZodArray)
            issues.push({
              kind: 'variable',
              ...at(path),
              message:
                inner instanceof z.ZodObject
                  ? `'${path.original}' is a group of fields, not a value: show one of them (${Object.keys(
                      inner.shape,
                    )
                      .map((k) => `${path.original === 'this' ? '' : `${path.original}.`}${k}`)
                      .slice(0, 4)
                      .join(', ')})`
                  : `'${path.original}' is a list: use {{#each ${path.original}}} or {{itemsSummary ${path.original}}}`,
            });
          break;
        }
        case 'BlockStatement': {
          const name = node.path.original as string;
          if (!BUILTIN_BLOCKS.has(name)) {
            issues.push({
              kind: 'helper',
              ...at(node),
              message: `block helper '${name}' is not allowed (if, unless, each, with)`,
            });
            break;
          }
          const [first] = node.params ?? [];
          const target = first ? value(first, scopes) : undefined;
          for (const rest of (node.params ?? []).slice(1)) value(rest, scopes);
          for (const pair of node.hash?.pairs ?? []) value(pair.value, scopes);
          const names = (node.program?.blockParams ?? []) as string[];
          // A literal or a helper's result as the new context leaves every path inside unchecked.
          const contextPath =
            first?.type === 'PathExpression' && (!first.data || first.parts[0] === 'root');
          if ((name === 'each' || name === 'with') && !contextPath)
            issues.push({
              kind: 'variable',
              ...(first ? at(first) : at(node)),
              message: `#${name} needs a variable of this flow's context${first ? `, not ${describe(first)}` : ''}`,
            });
          let inner: Scope | undefined;
          if (name === 'each' && target) {
            const list = target.schema ? unwrapOptional(target.schema) : undefined;
            if (target.schema && !(list instanceof z.ZodArray))
              issues.push({
                kind: 'variable',
                ...at(first),
                message: `#each needs a list: '${first.original}' is not one`,
              });
            inner = {
              schema: list instanceof z.ZodArray ? (list.element as z.ZodType) : undefined,
              path: [...target.path, '[]'],
            };
          } else if (name === 'with' && target) inner = target;
          if (names.length > 0 && (name === 'if' || name === 'unless'))
            issues.push({
              kind: 'variable',
              ...at(node),
              message: `#${name} has no block parameters (as |${names.join(' ')}|): only #each and #with do`,
            });
          const scope: Scope | undefined =
            name === 'each' || name === 'with'
              ? { schema: inner?.schema, path: inner?.path ?? [] }
              : undefined;
          if (scope && names.length > 0) {
            const [item, index] = names;
            scope.params = new Map();
            if (item !== undefined)
              scope.params.set(item, { schema: scope.schema, path: scope.path });
            if (index !== undefined) scope.params.set(index, 'data');
          }
          const innerScopes = scope ? [...scopes, scope] : scopes;
          if (node.program) visit(node.program.body, innerScopes);
          if (node.inverse) visit(node.inverse.body, scopes);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
        case 'DecoratorBlock':
        case 'Decorator':
          issues.push({
            kind: 'partial',
            ...at(node),
            message: 'partials and decorators are not allowed: each template stands alone',
          });
          break;
        case 'CommentStatement': {
          const m = IGNORE.exec(node.value);
          if (m) ignores.push({ ...at(node), rule: m[1] ?? '', reason: (m[2] ?? '').trim() });
          break;
        }
        default:
          break;
      }
    }
  };
  visit(ast.body, [{ schema, path: [] }]);
  return { issues, paths, ignores };
};

/** Line and column of a Handlebars parse or compile error, where it says. */
export const errorPosition = (err: unknown): Position => {
  const e = err as { lineNumber?: number; column?: number; message?: string };
  if (typeof e.lineNumber === 'number') return { line: e.lineNumber, column: (e.column ?? 0) + 1 };
  const m = /on line (\d+)/.exec(e.message ?? '');
  return { line: m ? Number(m[1]) : 1, column: 1 };
};
