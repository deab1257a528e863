import Handlebars from 'handlebars';
import type { Category } from '../follow-ups/follow-up.ts';
import { compileOptions } from './handlebars-renderer.ts';
import { isolate } from './helpers.ts';
import { RUNTIME_OPTIONS } from './template-registry.ts';

export type TemplateProvider = 'aliyun' | 'tencent';

/**
 * What each provider accepts in a template variable (one parameter's value), from their review
 * rules: Aliyun 短信模板规范, 变量规范 (https://help.aliyun.com/document_detail/463161.html): a
 * variable of type 其他 (names, numbers, addresses…) holds at most 35 characters; Tencent 正文模板
 * 审核标准 and error 1036 / InvalidParameterValue.TemplateParameterLengthLimit: at most 12
 * characters per variable in a notification or marketing template. Both refuse a URL in a variable
 * (Aliyun isv.PARAM_NOT_SUPPORT_URL "域名和ip请固化到模板申请中", Tencent 1048 / ProhibitedUseUrlIn-
 * TemplateParameter), and an approved template's fixed text is reviewed, so a link lives there.
 */
export const PROVIDER_LIMITS: Record<TemplateProvider, { paramChars: number; textChars: number }> =
  {
    aliyun: { paramChars: 35, textChars: 500 },
    tencent: { paramChars: 12, textChars: 500 },
  };

/** Marketing opt-out wording the providers' reviews accept (both list 回T退订 and 拒收请回复R). */
export const PROVIDER_OPT_OUT = /回T退订|回TD退订|退订回T|回复T退订|拒收请回复R/;

export type ProviderRule =
  | 'provider-signature'
  | 'provider-block'
  | 'provider-adjacent-variables'
  | 'provider-link-variable'
  | 'provider-param-length'
  | 'provider-opt-out'
  | 'provider-text-length';

export interface ProviderIssue {
  rule: ProviderRule;
  /** 1-based, within the template body. */
  line: number;
  column: number;
  message: string;
}

export interface ProviderParam {
  /** Aliyun: the variable's name; Tencent: its position, "1", "2"… */
  key: string;
  /** The Handlebars expression that gives its value, e.g. `order.number` or `money order.total …`. */
  expression: string;
  line: number;
  column: number;
}

/** The form a provider reviews: signature apart, fixed text with placeholders, parameters. */
export interface ProviderForm {
  provider: TemplateProvider;
  /** The 【signature】 as written: fixed text, or the expression that renders it (e.g. shop.name). */
  signature: { fixed: string } | { expression: string };
  /** The template content to submit for review, e.g. "订单${order_number}已发货。" or "订单{1}已发货。" */
  text: string;
  params: ProviderParam[];
}

export type Derivation =
  | { ok: true; form: ProviderForm; issues: [] }
  | { ok: false; issues: ProviderIssue[] };

// biome-ignore lint/suspicious/noExplicitAny: Handlebars' AST nodes are a loose union.
type Node = any;

const at = (node: Node) => ({
  line: node.loc?.start.line ?? 1,
  column: (node.loc?.start.column ?? 0) + 1,
});

/** The expression inside a mustache, as written (`money order.total order.currency`). */
const expressionOf = (node: Node): string => {
  const part = (n: Node): string =>
    n.type === 'PathExpression'
      ? (n.data ? '@' : '') + n.original
      : n.type === 'StringLiteral'
        ? JSON.stringify(n.value)
        : n.type === 'SubExpression'
          ? `(${[n.path, ...n.params].map(part).join(' ')})`
          : String(n.original ?? n.value);
  return [node.path, ...(node.params ?? [])].map(part).join(' ');
};

/** The context paths an expression reads: a variable holding a link reads links.* or a URL. */
const pathsOf = (node: Node): string[] =>
  [node.path, ...(node.params ?? [])].flatMap((n: Node) =>
    n.type === 'PathExpression'
      ? [n.original as string]
      : n.type === 'SubExpression'
        ? pathsOf(n)
        : [],
  );
const LINK_PATH = /^(links\.|.*(url|link)$)/i;

/** Aliyun names: letters, digits and underscores, from the path read (`order.number` → order_number). */
const aliyunName = (node: Node): string => {
  const paths = pathsOf(node);
  const base =
    (paths.length > 0 && node.params?.length ? (paths[1] ?? paths[0]) : paths[0]) ?? 'value';
  return base.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'value';
};

const SIGNATURE_OPEN = '【';
const SIGNATURE_CLOSE = '】';

/**
 * Derives the provider form of a Chinese SMS template, or says why a provider would refuse it.
 * Pure: the same answer wherever the template's versions are kept.
 */
export const deriveProviderTemplate = (
  body: string,
  provider: TemplateProvider,
  category: Category,
): Derivation => {
  const issues: ProviderIssue[] = [];
  const add = (rule: ProviderRule, node: Node | undefined, message: string) =>
    issues.push({ rule, ...(node ? at(node) : { line: 1, column: 1 }), message });
  let statements: Node[];
  try {
    statements = (Handlebars.parse(body) as Node).body;
  } catch {
    // The syntax rule reports it; nothing to derive from text that does not parse.
    return { ok: false, issues: [] };
  }
  statements = statements.filter((s) => s.type !== 'CommentStatement');

  // The leading 【signature】: fixed text, or 【 + one expression + 】 (the shop's approved name).
  let signature: ProviderForm['signature'] | undefined;
  const first = statements[0];
  if (first?.type === 'ContentStatement' && first.value.startsWith(SIGNATURE_OPEN)) {
    const close = first.value.indexOf(SIGNATURE_CLOSE);
    if (close > 1) {
      signature = { fixed: first.value.slice(1, close) };
      const rest = first.value.slice(close + 1);
      statements = [...(rest ? [{ ...first, value: rest }] : []), ...statements.slice(1)];
    } else if (
      first.value === SIGNATURE_OPEN &&
      statements[1]?.type === 'MustacheStatement' &&
      statements[2]?.type === 'ContentStatement' &&
      statements[2].value.startsWith(SIGNATURE_CLOSE)
    ) {
      signature = { expression: expressionOf(statements[1]) };
      const rest = statements[2].value.slice(1);
      statements = [...(rest ? [{ ...statements[2], value: rest }] : []), ...statements.slice(3)];
    }
  }
  if (!signature) {
    add(
      'provider-signature',
      first,
      "the text must open with the shop's approved 【signature】: providers send it as SignName",
    );
  }

  let text = '';
  let fixed = '';
  const params: ProviderParam[] = [];
  const names = new Map<string, string>();
  let previousWasVariable = false;
  const linkIssue = (s: Node, expression: string) =>
    add(
      'provider-link-variable',
      s,
      `{{${expression}}} puts a link in a variable, which ${provider === 'aliyun' ? 'Aliyun' : 'Tencent'} refuses: write the link as fixed text, or leave it out`,
    );
  // Inside a block too: taking the block out would still leave a link the provider refuses.
  const linksInside = (block: Node) => {
    for (const inner of [...(block.program?.body ?? []), ...(block.inverse?.body ?? [])]) {
      if (inner.type === 'MustacheStatement' && pathsOf(inner).some((p) => LINK_PATH.test(p)))
        linkIssue(inner, expressionOf(inner));
      if (inner.type === 'BlockStatement') linksInside(inner);
    }
  };
  for (const s of statements) {
    if (s.type === 'ContentStatement') {
      text += s.value;
      fixed += s.value;
      previousWasVariable = previousWasVariable && s.value === '';
      continue;
    }
    if (s.type !== 'MustacheStatement') {
      if (s.type === 'BlockStatement') linksInside(s);
      const what =
        s.type === 'BlockStatement'
          ? `{{#${expressionOf(s)}}}`
          : s.type === 'PartialStatement' || s.type === 'PartialBlockStatement'
            ? 'a partial'
            : s.type;
      add(
        'provider-block',
        s,
        `${what} cannot be expressed in a reviewed template (fixed text and variables only): write one template per case`,
      );
      continue;
    }
    const expression = expressionOf(s);
    if (previousWasVariable) {
      add(
        'provider-adjacent-variables',
        s,
        `{{${expression}}} follows another variable with no fixed text between: providers refuse adjacent variables`,
      );
    }
    if (pathsOf(s).some((p) => LINK_PATH.test(p))) linkIssue(s, expression);
    let key: string;
    if (provider === 'aliyun') {
      const known = names.get(expression);
      if (known) key = known;
      else {
        const base = aliyunName(s);
        let name = base;
        for (let n = 2; [...names.values()].includes(name); n++) name = `${base}_${n}`;
        names.set(expression, name);
        key = name;
        params.push({ key, expression, ...at(s) });
      }
      text += `\${${key}}`;
    } else {
      key = String(params.length + 1);
      params.push({ key, expression, ...at(s) });
      text += `{${key}}`;
    }
    previousWasVariable = true;
  }
  if (category === 'marketing' && !PROVIDER_OPT_OUT.test(fixed)) {
    add(
      'provider-opt-out',
      undefined,
      'a marketing template must end with an opt-out in its fixed text (回T退订 or 拒收请回复R)',
    );
  }
  if (text.length > PROVIDER_LIMITS[provider].textChars) {
    add(
      'provider-text-length',
      undefined,
      `${text.length} characters; a template holds at most ${PROVIDER_LIMITS[provider].textChars}`,
    );
  }
  if (issues.length > 0 || !signature) return { ok: false, issues };
  return { ok: true, form: { provider, signature, text, params }, issues: [] };
};

/** Renders single expressions in the same isolated environment and options as the sender. */
const env = isolate(Handlebars.create());
const compiled = new Map<string, (context: unknown) => string>();
const evaluate = (expression: string, context: object): string => {
  let run = compiled.get(expression);
  if (!run) {
    const template = env.compile(`{{${expression}}}`, compileOptions(false));
    run = (ctx: unknown) => template(ctx, RUNTIME_OPTIONS);
    compiled.set(expression, run);
  }
  return run(context);
};

export interface ProviderMessage {
  signName: string;
  /** Aliyun's TemplateParam (named) or Tencent's TemplateParamSet (positional). */
  params: Record<string, string> | string[];
}

/** The parameter values for one message, computed from the same context the renderer gets. */
/** A form as stored beside a version: its parameters without their place in the source. */
export type StoredProviderForm = Omit<ProviderForm, 'params'> & {
  params: Pick<ProviderParam, 'key' | 'expression'>[];
};

export const providerParams = (form: StoredProviderForm, context: object): ProviderMessage => {
  const signName =
    'fixed' in form.signature ? form.signature.fixed : evaluate(form.signature.expression, context);
  const values = form.params.map((p) => [p.key, evaluate(p.expression, context)] as const);
  return {
    signName,
    params: form.provider === 'aliyun' ? Object.fromEntries(values) : values.map(([, v]) => v),
  };
};

/** What the customer receives: the approved text with the parameters filled in, signature first. */
export const fillProviderText = (form: StoredProviderForm, message: ProviderMessage): string => {
  const body =
    form.provider === 'aliyun'
      ? form.text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, name: string) =>
          Array.isArray(message.params) ? m : (message.params[name] ?? m),
        )
      : form.text.replace(/\{(\d+)\}/g, (m, n: string) =>
          Array.isArray(message.params) ? (message.params[Number(n) - 1] ?? m) : m,
        );
  return `${SIGNATURE_OPEN}${message.signName}${SIGNATURE_CLOSE}${body}`;
};

/** Parameters over the provider's limit for this context (the check runs it on worst cases). */
export const overLongParams = (
  form: ProviderForm,
  message: ProviderMessage,
): { param: ProviderParam; value: string }[] => {
  const limit = PROVIDER_LIMITS[form.provider].paramChars;
  return form.params
    .map((param, i) => ({
      param,
      value: Array.isArray(message.params)
        ? (message.params[i] ?? '')
        : (message.params[param.key] ?? ''),
    }))
    .filter(({ value }) => [...value].length > limit);
};
