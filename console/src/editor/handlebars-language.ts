import { StreamLanguage } from '@codemirror/language';

interface State {
  inTag: boolean;
  comment: boolean;
  frontMatter: 'before' | 'in' | 'after';
}

/**
 * Handlebars over plain text, with the YAML front matter between `---` lines marked as meta.
 * @codemirror/legacy-modes has no Handlebars mode, so this small stream parser is ours.
 */
export const handlebars = StreamLanguage.define<State>({
  name: 'handlebars',
  startState: () => ({ inTag: false, comment: false, frontMatter: 'before' }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.frontMatter !== 'after' && stream.sol()) {
      if (stream.match(/^---\s*$/)) {
        state.frontMatter = state.frontMatter === 'before' ? 'in' : 'after';
        return 'meta';
      }
      if (state.frontMatter === 'before') state.frontMatter = 'after';
    }
    if (state.frontMatter === 'in') {
      stream.skipToEnd();
      return 'meta';
    }
    if (state.comment) {
      if (stream.skipTo('--}}')) {
        stream.match('--}}');
        state.comment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (!state.inTag) {
      if (stream.match('{{!--')) {
        state.comment = true;
        return 'comment';
      }
      if (stream.match(/^\{\{!.*?\}\}/)) return 'comment';
      if (stream.match(/^\{\{\{?~?[#/^>&]?/)) {
        state.inTag = true;
        return 'bracket';
      }
      while (stream.next() != null && !stream.match('{{', false)) {
        // plain text up to the next tag
      }
      return null;
    }
    if (stream.match(/^~?\}\}\}?/)) {
      state.inTag = false;
      return 'bracket';
    }
    if (stream.eatSpace()) return null;
    if (stream.match(/^"(?:[^"\\]|\\.)*"/) || stream.match(/^'(?:[^'\\]|\\.)*'/)) return 'string';
    if (stream.match(/^-?\d+(?:\.\d+)?/)) return 'number';
    if (stream.match(/^(?:if|unless|each|with|else|true|false|null)\b/)) return 'keyword';
    if (stream.match(/^[A-Za-z_@][\w-]*(?==)/)) return 'attributeName';
    if (stream.match(/^[A-Za-z_@.][\w.[\]-]*/)) return 'variableName';
    stream.next();
    return 'punctuation';
  },
});
