import type { Category } from '../domain/follow-ups/follow-up.ts';
import {
  contextSchemaFor,
  flowSpec,
  templateCategory,
} from '../domain/rendering/context-schema.ts';
import {
  type Derivation,
  deriveProviderTemplate,
  overLongParams,
  PROVIDER_LIMITS,
  providerParams,
  type TemplateProvider,
} from '../domain/rendering/provider-template.ts';
import { sampleContext } from '../domain/rendering/sample-context.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';
import type { CheckInput } from './check-templates.ts';
import type { Finding } from './rules.ts';

export interface ProviderReport {
  path: string;
  derivation: Derivation;
  findings: Finding[];
}

const isChineseSms = (s: TemplateSource) =>
  s.channel === 'sms' && s.locale.toLowerCase().startsWith('zh');

/**
 * Whether each zh SMS template can become an Aliyun or Tencent template: the derivation's
 * refusals as findings, and the worst-case sample's parameters against the provider's length limit.
 */
export const checkProviderTemplates = (
  inputs: CheckInput[],
  provider: TemplateProvider,
): ProviderReport[] =>
  inputs.flatMap((input) => {
    if (!('source' in input) || !isChineseSms(input.source)) return [];
    const source = input.source;
    const category: Category | undefined = templateCategory(source.flow, source.template);
    if (!category) return [];
    const derivation = deriveProviderTemplate(source.body, provider, category);
    const finding = (rule: Finding['rule'], line: number, column: number, message: string) => ({
      file: input.path,
      line: source.bodyLine + line - 1,
      column,
      rule,
      severity: 'error' as const,
      message: `${provider}: ${message}`,
    });
    const findings: Finding[] = derivation.issues.map((i) =>
      finding(i.rule, i.line, i.column, i.message),
    );
    if (derivation.ok) {
      const flow = flowSpec(source.flow);
      const schema = flow && contextSchemaFor(flow, source.channel, category);
      if (schema) {
        const context = sampleContext({
          schema,
          locale: source.locale,
          flow: source.flow,
          template: source.template,
          channel: source.channel,
          category,
          kind: 'worst-case',
        });
        for (const { param, value } of overLongParams(
          derivation.form,
          providerParams(derivation.form, context),
        )) {
          findings.push(
            finding(
              'provider-param-length',
              param.line,
              param.column,
              `{{${param.expression}}} can be ${[...value].length} characters (worst case); a ${provider} variable holds at most ${PROVIDER_LIMITS[provider].paramChars}`,
            ),
          );
        }
      }
    }
    return [{ path: input.path, derivation, findings }];
  });
