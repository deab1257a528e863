/**
 * Attack templates for the template check and both renderers (test/unit/templates-untrusted.test.ts)
 * and for publishing through the templates API (test/integration/shop-templates.test.ts).
 */
/** What an attack payload would run if it ever got a Function: a global a test can see. */
export const PAYLOAD = 'return globalThis.__hbsCanary = process.pid';
const SPEC = 'handlebars-lang/handlebars.js spec/security.js';

/**
 * Attack templates, each with where it comes from, and the finding the check must give for it
 * (rule, line and column in the file, message). The body starts on line 5 of the file.
 */
// biome-ignore format: one fixture a row
export const ATTACK_TEMPLATES: [name: string, source: string, template: string, rule: string, line: number, column: number, message: RegExp][] = [
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
