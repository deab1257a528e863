import {
  autocompletion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import type { Finding } from '../../../functions/template-check/rules.ts';
import { handlebars } from './handlebars-language.ts';

export interface Variables {
  fields: { path: string; required: boolean; description: string }[];
  helpers: string[];
}

/** Inside an open `{{`, the flow's variables and the allowed helpers. */
const completionsFor =
  (variables: Variables) =>
  (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (before.lastIndexOf('{{') <= before.lastIndexOf('}}')) return null;
    const word = context.matchBefore(/[\w.@]*/);
    if (!word || (word.from === word.to && !context.explicit && !before.endsWith('{{')))
      return null;
    return {
      from: word.from,
      options: [
        ...variables.fields.map((f) => ({
          label: f.path.replace(/\[\]/g, ''),
          type: 'variable',
          detail: f.required ? 'always' : 'if known',
          info: f.description,
        })),
        ...variables.helpers.map((h) => ({ label: h, type: 'function' })),
      ],
      validFor: /^[\w.@]*$/,
    };
  };

/** The check's findings (1-based line and column) as CodeMirror diagnostics. */
export const diagnosticsOf = (state: EditorState, findings: Finding[]): Diagnostic[] =>
  findings.map((f) => {
    const line = state.doc.line(Math.min(Math.max(f.line, 1), state.doc.lines));
    const from = Math.min(line.from + Math.max(f.column - 1, 0), line.to);
    return {
      from,
      to: Math.max(from, line.to),
      severity: f.severity === 'error' ? 'error' : 'warning',
      source: f.rule,
      message: f.message,
    };
  });

export interface CodeEditor {
  view: EditorView;
  showFindings(findings: Finding[]): void;
  destroy(): void;
}

export const createCodeEditor = (
  parent: HTMLElement,
  options: {
    text: string;
    label: string;
    readOnly: boolean;
    variables: Variables;
    onChange(text: string): void;
  },
): CodeEditor => {
  // In a shadow root CodeMirror's styles go in through adoptedStyleSheets, which the console's
  // CSP (no inline <style>) allows; on the document itself they would be an inline <style> tag.
  const root = parent.shadowRoot ?? parent.attachShadow({ mode: 'open' });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        lineNumbers(),
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        handlebars,
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [completionsFor(options.variables)] }),
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.theme({
          // Grows with its text (wrapped): a scrolling region inside would need a tab stop of its own.
          '&': { backgroundColor: '#fff', fontSize: '0.95rem' },
          '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
        }),
        EditorState.readOnly.of(options.readOnly),
        EditorView.editable.of(!options.readOnly),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    showFindings: (findings) =>
      view.dispatch(setDiagnostics(view.state, diagnosticsOf(view.state, findings))),
    destroy: () => view.destroy(),
  };
};
