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
import { ATTACK_TEMPLATES as fixtures } from '../support/attack-templates.ts';
import { demoShop, orderEvent, orderWith } from '../support/fixtures.ts';

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
