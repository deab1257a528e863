import Runtime from 'handlebars/runtime';
import type { Channel } from '../follow-ups/follow-up.ts';
import { isolate } from './helpers.ts';
import type { Renderer } from './renderer.ts';
import {
  type CompiledTemplate,
  createTemplateRenderer,
  RUNTIME_OPTIONS,
} from './template-registry.ts';

/** One entry of the generated catalog module: Handlebars template specs, not source. */
export interface PrecompiledTemplate {
  flow: string;
  template: string;
  channel: Channel;
  locale: string;
  body: unknown;
  subject?: unknown;
}

/** Renders precompiled templates with the Handlebars runtime alone (no compiler in the bundle). */
export const createPrecompiledRenderer = (catalog: PrecompiledTemplate[]): Renderer =>
  createTemplateRenderer(loadPrecompiled(catalog));

/** The catalog's specs made runnable, for a renderer of their own or beside a shop's words. */
export const loadPrecompiled = (catalog: PrecompiledTemplate[]): CompiledTemplate[] => {
  const env = isolate(Runtime.create());
  const load = (spec: unknown) => {
    const template = env.template(spec as Parameters<typeof env.template>[0]);
    return (ctx: unknown) => template(ctx, RUNTIME_OPTIONS);
  };
  return catalog.map((t) => ({
    flow: t.flow,
    template: t.template,
    channel: t.channel,
    locale: t.locale,
    body: load(t.body),
    ...(t.subject !== undefined ? { subject: load(t.subject) } : {}),
  }));
};
