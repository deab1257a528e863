/** Every rule the template check knows: its id (used in output and in check-ignore) and what it guards. */
export const RULES = {
  'file-name': 'file is not <flow>/<template>/<channel>.<locale>.hbs',
  'front-matter': 'front matter is not valid YAML or misses category/description',
  'unknown-flow': 'folder is not a flow of the catalog',
  'unknown-template': 'template key is not one this flow sends',
  channel: 'channel not used by this template (customer: sms/email; staff: webhook; payment: call)',
  category: 'front matter category differs from the flow catalog',
  syntax: 'Handlebars syntax error',
  helper: 'helper not on the allow-list',
  partial: 'partials are not allowed',
  variable: "variable not in the flow's context schema for this channel",
  'required-variable': 'a variable this flow must show is missing (e.g. the pay link)',
  render: 'rendering fails with the sample, worst-case or minimal context',
  'locale-fallback': 'no en template to fall back to, or zh-CN missing',
  'sms-encoding': 'a Latin-script SMS is forced into UCS-2 by a character',
  'sms-parts': 'SMS needs more parts than the flow allows (China counts the 【signature】)',
  'sms-bracket': '【】 inside the SMS body (reserved for the leading signature)',
  'email-subject': 'email without a subject',
  'email-text': 'email whose text part is empty',
  'marketing-opt-out': 'marketing SMS without opt-out text for its locale',
  'marketing-unsubscribe': 'marketing email without the unsubscribe link',
  'banned-superlative': 'absolute or superlative claim (极限用语, PRC Advertising Law art. 9)',
  'banned-review-incentive': 'reward tied to a rating (好评返现; FTC 16 CFR 465)',
  'banned-off-platform': 'moves the customer off the platform (other chat apps, private payment)',
  'banned-shop-word': "word on the shop's own list",
  'pii-full-contact': 'full phone number or address where a masked one serves',
  'check-ignore': 'check-ignore comment without a known rule id or a reason',
  'provider-signature':
    'zh SMS for Aliyun/Tencent does not open with the 【signature】 (sent as SignName)',
  'provider-block':
    'a block helper, conditional or partial that a reviewed fixed-text template cannot express',
  'provider-adjacent-variables':
    'two variables with no fixed text between them (providers refuse it)',
  'provider-link-variable':
    'a link in a variable (providers refuse URLs in parameters: write it as fixed text)',
  'provider-param-length':
    "a parameter can be longer than the provider's limit (Aliyun 35, Tencent 12 characters)",
  'provider-opt-out': 'a marketing template without 回T退订 / 拒收请回复R in its fixed text',
  'provider-text-length':
    'the template content is longer than the provider accepts (500 characters)',
} as const;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** Rules that guard what a template can reach or run: no check-ignore silences them. */
export const UNSILENCEABLE: readonly RuleId[] = ['syntax', 'helper', 'partial', 'variable'];

export type Severity = 'error' | 'warning';

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: RuleId;
  severity: Severity;
  message: string;
}
