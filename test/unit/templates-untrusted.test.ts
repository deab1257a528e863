import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  compileOptions,
  createRenderer,
  precompileModule,
} from '../../functions/domain/rendering/handlebars-renderer.ts';
import { buildMessageContext } from '../../functions/domain/rendering/message-context.ts';
import { createPrecompiledRenderer } from '../../functions/domain/rendering/precompiled-renderer.ts';
import type { Renderer } from '../../functions/domain/rendering/renderer.ts';
import { mergeSample, pickBySchema } from '../../functions/domain/rendering/sample-context.ts';
import { parseTemplateFile } from '../../functions/domain/rendering/template-file.ts';
import { RUNTIME_OPTIONS } from '../../functions/domain/rendering/template-registry.ts';
import { checkTemplates } from '../../functions/template-check/check-templates.ts';
import { smsCost } from '../../functions/template-check/sms-prices.ts';
import { loadTemplateCatalog } from '../../functions/templates/template-catalog.ts';
import { demoShop, orderEvent, orderWith } from '../support/fixtures.ts';

/** What an attack payload would run if it ever got a Function: a global a test can see. */
const PAYLOAD = 'return globalThis.__hbsCanary = process.pid';
const SPEC = 'handlebars-lang/handlebars.js spec/security.js';

/**
 * Attack templates, each with where it comes from, and the finding the check must give for it
 * (rule, line and column in the file, message). The body starts on line 5 of the file.
 */
// biome-ignore format: one fixture a row
const fixtures: [name: string, source: string, template: string, rule: string, line: number, column: number, message: RegExp][] = [
  // Handlebars' own security tests.
  ['constructor.name', `${SPEC} GH-1495, GH-2146`, '{{constructor.name}}', 'variable', 5, 3, /'constructor' is a built-in property of JavaScript objects/],
  ['lookup this "constructor"', `${SPEC} GH-2146, GH-1595`, '{{lookup this "constructor"}}', 'helper', 5, 1, /helper 'lookup' is not on the allow-list/],
  ['lookup of lookup constructor', `${SPEC} GH-1495`, '{{lookup (lookup this "constructor") "name"}}', 'helper', 5, 10, /helper 'lookup' is not on the allow-list/],
  ['lookup via a list helper', `${SPEC} GH-1603`, '{{lookup (lookup this (list "constructor")) "name"}}', 'helper', 5, 23, /helper 'list' is not on the allow-list/],
  ['explicit helperMissing', `${SPEC} GH-1558`, '{{helperMissing}}', 'variable', 5, 3, /'helperMissing' is not in this flow's context/],
  ['block helperMissing', `${SPEC} GH-1558`, '{{#helperMissing}}{{/helperMissing}}', 'helper', 5, 1, /block helper 'helperMissing' is not allowed/],
  ['explicit blockHelperMissing', `${SPEC} GH-1558`, '{{blockHelperMissing "abc" .}}', 'helper', 5, 1, /helper 'blockHelperMissing' is not on the allow-list/],
  ['block blockHelperMissing', `${SPEC} GH-1558`, '{{#blockHelperMissing .}}{{/blockHelperMissing}}', 'helper', 5, 1, /block helper 'blockHelperMissing' is not allowed/],
  ['__defineGetter__ over valueOf', `${SPEC} GH-1563; CVE-2019-19919 / GHSA-w457-6q6x-cgp9 (fixed in 4.3.0)`, '{{__defineGetter__ "undefined" valueOf }}{{#with __lookupGetter__ }}{{__defineGetter__ "propertyIsEnumerable" (this.bind (this.bind 1)) }}{{constructor.name}}{{/with}}', 'helper', 5, 1, /helper '__defineGetter__' is not on the allow-list/],
  ['constructor', `${SPEC} GH-1595`, '{{constructor}}', 'variable', 5, 3, /'constructor' is a built-in property/],
  ['__defineGetter__', `${SPEC} GH-1595`, '{{__defineGetter__}}', 'variable', 5, 3, /'__defineGetter__' is a built-in property/],
  ['__defineSetter__', `${SPEC} GH-1595`, '{{__defineSetter__}}', 'variable', 5, 3, /'__defineSetter__' is a built-in property/],
  ['__lookupGetter__', `${SPEC} GH-1595`, '{{__lookupGetter__}}', 'variable', 5, 3, /'__lookupGetter__' is a built-in property/],
  ['__proto__', `${SPEC} GH-1595`, '{{__proto__}}', 'variable', 5, 3, /'__proto__' is a built-in property/],
  ['lookup this "__defineGetter__"', `${SPEC} GH-1595`, '{{lookup this "__defineGetter__"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['lookup this "__defineSetter__"', `${SPEC} GH-1595`, '{{lookup this "__defineSetter__"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['lookup this "__lookupGetter__"', `${SPEC} GH-1595`, '{{lookup this "__lookupGetter__"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['lookup this "__proto__"', `${SPEC} GH-1595`, '{{lookup this "__proto__"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['literal path with a backslash', `${SPEC} "escapes template variables"`, "{{'a\\\\b'}}", 'variable', 5, 3, /'a\\\\b' is not in this flow's context/],
  // Published advisories' proofs of concept (payloads replaced by PAYLOAD).
  [
    'string.sub.apply through block params',
    'npm advisory 755 / SNYK-JS-HANDLEBARS-174183: the payload of mahmoudsec.blogspot.com/2019/04 (cited in handlebars.js#1496) as commonly reproduced',
    `{{#with "s" as |string|}}
  {{#with "e"}}
    {{#with split as |conslist|}}
      {{this.pop}}
      {{this.push (lookup string.sub "constructor")}}
      {{this.pop}}
      {{#with string.split as |codelist|}}
        {{this.pop}}
        {{this.push "${PAYLOAD}"}}
        {{this.pop}}
        {{#each conslist}}
          {{#with (string.sub.apply 0 codelist)}}
            {{this}}
          {{/with}}
        {{/each}}
      {{/with}}
    {{/with}}
  {{/with}}
{{/with}}`,
    'variable',
    5,
    9,
    /#with needs a variable of this flow's context, not "s"/,
  ],
  [
    'strict-mode RCE via __lookupGetter__ "__proto__"',
    'CVE-2021-23369 / GHSA-f2jv-r9rf-7988: PoC as quoted in MinaProtocol/mina#12301',
    `{{#with (__lookupGetter__ "__proto__")}} {{#with (./constructor.getOwnPropertyDescriptor . "valueOf")}}
{{#with ../constructor.prototype}} {{../../constructor.defineProperty . "hasOwnProperty" ..}} {{/with}} {{/with}} {{/with}}
{{#with "constructor"}} {{#with split}} {{pop (push "${PAYLOAD}")}} {{#with .}}
{{#with (concat (lookup join (slice 0 1)))}} {{#each (slice 2 3)}} {{#with (apply 0 ../..)}} {{.}} {{/with}} {{/each}} {{/with}} {{/with}} {{/with}} {{/with}}`,
    'helper',
    5,
    9,
    /helper '__lookupGetter__' is not on the allow-list/,
  ],
  ['{{> @partial-block}}', 'CVE-2026-33938 / GHSA-3mfm-83xf-c92r', '{{> @partial-block}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  ['@partial-block read', 'CVE-2026-33938 / GHSA-3mfm-83xf-c92r', '{{@partial-block}}', 'variable', 5, 3, /unknown data variable @partial-block/],
  ['@_parent.partial-block', 'CVE-2026-33938 / GHSA-3mfm-83xf-c92r', '{{@_parent.partial-block}}', 'variable', 5, 3, /unknown data variable @_parent.partial-block/],
  ['dynamic partial', 'CVE-2026-33940 / GHSA-xhpv-hc6g-r9c6', '{{> (lookup . "widget")}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  ['partial name from the prototype', 'CVE-2026-33916 / GHSA-2qvq-rjwj-gvw9', '{{> widget}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  ['__lookupSetter__', 'GHSA-7rx3-28cr-v5wh', '{{__lookupSetter__}}', 'variable', 5, 3, /'__lookupSetter__' is a built-in property/],
  ['lookup this "__lookupSetter__"', 'GHSA-7rx3-28cr-v5wh', '{{lookup this "__lookupSetter__"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['decorator', 'CVE-2026-33939 / GHSA-9cx6-37pm-9jff (decorator syntax)', '{{*decorator}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  ['inline partial defined by the template', 'CVE-2026-33939 / GHSA-9cx6-37pm-9jff (decorator syntax)', '{{#*inline "x"}}{{shop.name}}{{/inline}}{{> x}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  // The same class on this project's own paths, scopes, block params and arguments.
  ['order.constructor', 'this project', '{{order.constructor}}', 'variable', 5, 3, /'order.constructor': 'constructor' is a built-in property/],
  ['order.items.[0].__proto__', 'this project', '{{order.items.[0].__proto__}}', 'variable', 5, 3, /'__proto__' is a built-in property/],
  ['order.[constructor]', 'this project', '{{order.[constructor]}}', 'variable', 5, 3, /'constructor' is a built-in property/],
  ['order.items.push', 'this project', '{{order.items.push}}', 'variable', 5, 3, /'order.items.push' is not in this flow's context/],
  ['lookup order "constructor"', 'this project', '{{lookup order "constructor"}}', 'helper', 5, 1, /helper 'lookup'/],
  ['#with constructor', 'this project', '{{#with constructor}}{{name}}{{/with}}', 'variable', 5, 9, /'constructor' is a built-in property/],
  ['this.constructor', 'this project', '{{this.constructor}}', 'variable', 5, 3, /'constructor' is a built-in property/],
  ['@root.constructor', 'this project', '{{@root.constructor}}', 'variable', 5, 3, /'constructor' is a built-in property/],
  ['@root.__proto__.polluted', 'this project', '{{@root.__proto__.polluted}}', 'variable', 5, 3, /'__proto__' is a built-in property/],
  ['#with @root then constructor', 'this project', '{{#with @root}}{{constructor}}{{/with}}', 'variable', 5, 18, /'constructor' is a built-in property/],
  ['../constructor in #each', 'this project', '{{#each order.items}}{{../constructor}}{{/each}}', 'variable', 5, 24, /'constructor' is a built-in property/],
  ['@constructor', 'this project', '{{@constructor}}', 'variable', 5, 3, /unknown data variable @constructor/],
  ['"constructor" as a literal path', 'this project', '{{"constructor"}}', 'variable', 5, 3, /'constructor' is a built-in property/],
  ['sub-expression argument', 'this project', '{{money order.total.constructor order.currency}}', 'variable', 5, 9, /'constructor' is a built-in property/],
  ['sub-expression helper name', 'this project', '{{money (toString) order.currency}}', 'helper', 5, 9, /helper 'toString' is not on the allow-list/],
  ['hash argument', 'this project', '{{money order.total order.currency fmt=constructor}}', 'variable', 5, 40, /'constructor' is a built-in property/],
  ['block hash argument', 'this project', '{{#each order.items key=constructor}}{{name}}{{/each}}', 'variable', 5, 25, /'constructor' is a built-in property/],
  ['block param field', 'this project', '{{#each order.items as |item|}}{{item.constructor}}{{/each}}', 'variable', 5, 34, /'item.constructor': 'constructor' is a built-in property/],
  ['block param index field', 'this project', '{{#each order.items as |item i|}}{{i.constructor}}{{/each}}', 'variable', 5, 36, /'i.constructor': i is an index or key, it has no fields/],
  ['#with block param', 'this project', '{{#with order as |o|}}{{o.__proto__.x}}{{/with}}', 'variable', 5, 25, /'__proto__' is a built-in property/],
  ['#if with block params', 'this project', '{{#if order.id as |x|}}{{x}}{{/if}}', 'variable', 5, 1, /#if has no block parameters/],
  ['#each over an object', 'this project', '{{#each order}}{{constructor}}{{/each}}', 'variable', 5, 9, /#each needs a list: 'order' is not one/],
  ['#with a helper result', 'this project', '{{#with (money order.total order.currency)}}{{length}}{{/with}}', 'variable', 5, 9, /#with needs a variable of this flow's context, not a helper call \(money\)/],
  ['helper named constructor', 'this project', '{{constructor "x"}}', 'helper', 5, 1, /helper 'constructor' is not on the allow-list/],
  ['block helper named constructor', 'this project', '{{#constructor}}x{{/constructor}}', 'helper', 5, 1, /block helper 'constructor' is not allowed/],
  ['log helper', 'this project', '{{log constructor}}', 'helper', 5, 1, /helper 'log' is not on the allow-list/],
  ['toString', 'this project', '{{toString}}', 'variable', 5, 3, /'toString' is a built-in property/],
  ['valueOf', 'this project', '{{valueOf}}', 'variable', 5, 3, /'valueOf' is a built-in property/],
  ['hasOwnProperty', 'this project', '{{hasOwnProperty}}', 'variable', 5, 3, /'hasOwnProperty' is a built-in property/],
  ['isPrototypeOf', 'this project', '{{isPrototypeOf}}', 'variable', 5, 3, /'isPrototypeOf' is a built-in property/],
  ['propertyIsEnumerable', 'this project', '{{propertyIsEnumerable}}', 'variable', 5, 3, /'propertyIsEnumerable' is a built-in property/],
  ['toLocaleString', 'this project', '{{toLocaleString}}', 'variable', 5, 3, /'toLocaleString' is a built-in property/],
  ['partial', 'this project', '{{> x}}', 'partial', 5, 1, /partials and decorators are not allowed/],
  ['partial block', 'this project', '{{#> layout}}x{{/layout}}', 'partial', 5, 1, /partials and decorators are not allowed/],
];

const PATH = 'payment-reminder/first/sms.en.hbs';
/** A shop's override as the check sees it: front matter, the attack, then the required pay link. */
const fileText = (body: string, frontMatter = '') =>
  `---\ncategory: transactional\ndescription: attack fixture\n${frontMatter}---\n${body}\n{{links.pay}}\n`;
const sourceOf = (body: string) => parseTemplateFile(PATH, fileText(body));
const check = (body: string) =>
  checkTemplates([{ path: PATH, text: fileText(body), source: sourceOf(body) }]).findings;

const context = buildMessageContext({
  order: orderWith(
    orderEvent('order.created', '2026-11-22T10:00:00+08:00', {
      paymentUrl: 'https://shop.example.com/pay/A1001',
    }),
  ),
  shop: demoShop({ name: 'Tea House' }),
  followUp: { flow: 'payment-reminder', step: 'first', channel: 'sms' },
  locale: 'en',
  now: new Date('2026-11-22T02:30:00Z'),
});
const request = {
  flow: 'payment-reminder',
  template: 'first',
  channel: 'sms' as const,
  locales: ['en'],
  context,
};

/** Text that only a prototype or a leaked function could have put in a message. */
const FROM_PROTOTYPE = /function|native code|\[object |prototype|constructor|__proto__|__hbs/;
const guarded = [Object.prototype, Array.prototype, String.prototype, Function.prototype];
const snapshot = () =>
  guarded.map((p) =>
    Object.getOwnPropertyNames(p).map((n) => [n, Object.getOwnPropertyDescriptor(p, n)?.value]),
  );

type Outcome = { refused: string } | { output: string };
const attempt = (make: () => Renderer): Outcome => {
  let renderer: Renderer;
  try {
    renderer = make();
  } catch (err) {
    return { refused: `compile: ${(err as Error).message}` };
  }
  try {
    return { output: renderer.render(request).body };
  } catch (err) {
    return { refused: `render: ${(err as Error).message}` };
  }
};

const precompiledDir = mkdtempSync(join(tmpdir(), 'untrusted-'));
let modules = 0;
/** The sender's path: a precompiled catalog module on disk, loaded with the runtime only. */
const precompiled = async (body: string): Promise<() => Renderer> => {
  let module: string;
  try {
    module = precompileModule([sourceOf(body)]);
  } catch (err) {
    return () => {
      throw err;
    };
  }
  modules += 1;
  const file = join(precompiledDir, `t${modules}.mjs`);
  writeFileSync(file, module);
  const catalog = await loadTemplateCatalog(file);
  return () => createPrecompiledRenderer(catalog);
};

const g = globalThis as { __hbsCanary?: unknown };
beforeEach(() => {
  delete g.__hbsCanary;
  // Handlebars logs each denied prototype access; the assertions below say what matters.
  for (const method of ['error', 'warn', 'info', 'log', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('attack templates (Handlebars security tests, advisories, this project)', () => {
  it.each(fixtures)(
    '%s (%s): refused with a finding',
    (_name, _source, template, rule, line, column, message) => {
      const findings = check(template);
      expect(findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
      expect(findings).toContainEqual(
        expect.objectContaining({
          file: PATH,
          rule,
          line,
          column,
          severity: 'error',
          message: expect.stringMatching(message),
        }),
      );
    },
  );

  it.each(fixtures.map((f) => [f[0], f[2]] as const))(
    '%s: renders nothing from a prototype and runs nothing, compiled or precompiled',
    async (_name, template) => {
      const before = snapshot();
      const outcomes = [
        attempt(() => createRenderer([sourceOf(template)])),
        attempt(await precompiled(template)),
      ];
      for (const outcome of outcomes) {
        if ('output' in outcome) expect(outcome.output).not.toMatch(FROM_PROTOTYPE);
      }
      expect(g.__hbsCanary).toBeUndefined();
      expect(snapshot()).toEqual(before);
      // Nothing written anywhere but Handlebars' own "access denied" warning.
      for (const method of ['warn', 'info', 'log', 'debug'] as const)
        expect(console[method]).not.toHaveBeenCalled();
      for (const call of vi.mocked(console.error).mock.calls)
        expect(String(call[0])).toMatch(/^Handlebars: Access has been denied/);
    },
  );

  it('the render probe sees a prototype leak when proto access is on (it can fail)', () => {
    const leaky = Handlebars.compile('{{toString}}')({}, { allowProtoMethodsByDefault: true });
    expect(leaky).toMatch(FROM_PROTOTYPE);
  });

  it('a clean override passes the same probe', () => {
    const outcome = attempt(() =>
      createRenderer([sourceOf('Hi {{customer.name}}, order {{order.number}}')]),
    );
    expect(outcome).toEqual({ output: expect.stringMatching(/^Hi .+, order #\S+\n/) });
    if ('output' in outcome) expect(outcome.output).not.toMatch(FROM_PROTOTYPE);
  });
});

/**
 * A group of fields or a list printed whole: Handlebars writes "[object Object]" (the text of
 * Object.prototype.toString) and no runtime option stops it, so the check is what refuses it.
 */
// biome-ignore format: one case a row
const printedWhole: [template: string, column: number, message: RegExp][] = [
  ['{{order}}', 3, /'order' is a group of fields, not a value: show one of them \(order\.id, order\.number/],
  ['{{@root}}', 3, /'@root' is a group of fields/],
  ['{{#each order.items}}{{this}}{{/each}}', 24, /'this' is a group of fields, not a value: show one of them \(sku, name/],
  ['{{order.items}}', 3, /'order.items' is a list: use \{\{#each order.items\}\} or \{\{itemsSummary order.items\}\}/],
];

describe('objects and lists printed whole', () => {
  it('names a real field missing from this flow plainly, even one called name', () => {
    expect(check('{{product.name}}')).toContainEqual(
      expect.objectContaining({
        rule: 'variable',
        line: 5,
        column: 3,
        message: "'product.name' is not in this flow's context",
      }),
    );
  });

  it.each(printedWhole)('%s is refused', (template, column, message) => {
    expect(check(template)).toContainEqual(
      expect.objectContaining({
        rule: 'variable',
        line: 5,
        column,
        severity: 'error',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('would otherwise render text from Object.prototype (why the check refuses it)', () => {
    expect(attempt(() => createRenderer([sourceOf('{{order}}')]))).toEqual({
      output: expect.stringMatching(/^\[object Object\]/),
    });
  });
});

describe('the rendering environment stays isolated', () => {
  it('compiles strict, with known helpers only, lookup and log switched off', () => {
    const options = compileOptions(false);
    expect(options).toMatchObject({ strict: true, knownHelpersOnly: true });
    expect(options.knownHelpers).toMatchObject({ lookup: false, log: false, money: true });
    expect(RUNTIME_OPTIONS).toEqual({
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
    });
  });

  it.each([
    ['{{lookup order "id"}}', /unknown helper lookup/],
    ['{{log order.id}}', /unknown helper log/],
    ['{{shout order.id}}', /unknown helper shout/],
  ])('does not compile %s', (template, error) => {
    expect(() => createRenderer([sourceOf(template)])).toThrow(error);
    expect(() => precompileModule([sourceOf(template)])).toThrow(error);
  });

  it('throws on a variable the context lacks (strict), compiled and precompiled', async () => {
    expect(attempt(() => createRenderer([sourceOf('{{order.nothing}}')]))).toEqual({
      refused: expect.stringMatching(/"nothing" not defined/),
    });
    expect(attempt(await precompiled('{{order.nothing}}'))).toEqual({
      refused: expect.stringMatching(/"nothing" not defined/),
    });
  });

  it('sees no helper or partial registered on the global Handlebars', async () => {
    Handlebars.registerPartial('x', 'LEAK');
    Handlebars.registerHelper('shout', () => 'LEAK');
    try {
      for (const make of [
        () => createRenderer([sourceOf('{{> x}}')]),
        await precompiled('{{> x}}'),
      ]) {
        expect(attempt(make)).toEqual({
          refused: expect.stringMatching(/The partial x could not be found/),
        });
      }
      expect(() => createRenderer([sourceOf('{{shout "a"}}')])).toThrow(/unknown helper shout/);
    } finally {
      Handlebars.unregisterPartial('x');
      Handlebars.unregisterHelper('shout');
    }
  });

  it('lets no template define a partial for itself ({{#*inline}} is gone)', async () => {
    const template = '{{#*inline "x"}}LEAK{{/inline}}{{> x}}';
    for (const make of [() => createRenderer([sourceOf(template)]), await precompiled(template)]) {
      const outcome = attempt(make);
      expect(outcome).toEqual({ refused: expect.any(String) });
    }
  });

  it('reaches no data-frame internals: @root is the context, nothing else is readable', async () => {
    for (const template of [
      '{{@root._parent}}',
      '{{@_parent}}',
      '{{@root.__proto__}}',
      '{{@partial-block}}',
    ]) {
      expect(check(template).filter((f) => f.rule === 'variable')).not.toEqual([]);
      for (const make of [
        () => createRenderer([sourceOf(template)]),
        await precompiled(template),
      ]) {
        const outcome = attempt(make);
        if ('output' in outcome)
          expect(outcome.output).toMatch(/^\s*https:\/\/shop\.example\.com\/pay\/A1001$/);
      }
    }
  });
});

describe('marketer-written data around the template', () => {
  it.each(['variable', 'helper', 'partial', 'syntax'])(
    'a check-ignore cannot silence %s',
    (rule) => {
      const findings = check(
        `{{!-- check-ignore ${rule}: trust me --}}{{constructor}}{{lookup order "constructor"}}{{> x}}`,
      );
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: 'check-ignore',
          line: 5,
          column: 1,
          message: `${rule} cannot be silenced: it guards what a template can read and run`,
        }),
      );
      expect(findings.map((f) => f.rule)).toEqual(
        expect.arrayContaining(['variable', 'helper', 'partial']),
      );
    },
  );

  it('refuses sample fields named after built-in properties, where they are', () => {
    const frontMatter =
      'samples:\n  - name: leak\n    order: { __proto__: { number: LEAK }, constructor: { name: LEAK } }\n';
    const text = fileText('Order {{order.number}}', frontMatter);
    const findings = checkTemplates([
      { path: PATH, text, source: parseTemplateFile(PATH, text) },
    ]).findings.filter((f) => f.rule === 'front-matter' && f.severity === 'error');
    expect(findings.map((f) => f.message)).toEqual([
      'samples[0].order.__proto__ is not in the payment-reminder sms context',
      'samples[0].order.constructor is not in the payment-reminder sms context',
    ]);
  });

  it('merges an override without taking a __proto__ key as a prototype', () => {
    const override = JSON.parse('{"order":{"__proto__":{"number":"LEAK"},"id":"A2"}}');
    const merged = mergeSample({ order: { id: 'A1' } }, override) as { order: object };
    expect(merged).toEqual({ order: { id: 'A2' } });
    expect(Object.getPrototypeOf(merged.order)).toBe(Object.prototype);
    expect(({} as { number?: unknown }).number).toBeUndefined();
  });

  it('keeps only own fields when shaping a context by its schema', () => {
    const schema = z.object({ order: z.object({ number: z.string(), id: z.string() }) });
    const order = Object.assign(Object.create({ number: 'LEAK' }), { id: 'A1' });
    expect(pickBySchema(schema, { order })).toEqual({ order: { id: 'A1' } });
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'prices an SMS to country %s at the default rate, not a prototype member',
    (country) => {
      expect(smsCost(2, 'en', country)).toMatchObject({ perPart: 0.0088, currency: 'USD' });
      expect(smsCost(2, country)).toMatchObject({ perPart: 0.0088, currency: 'USD' });
    },
  );
});
