// The little YAML the manifests need, written by hand: every string as a
// double-quoted scalar (JSON's escapes are valid YAML 1.1 and 1.2 escapes),
// and file contents as literal blocks so a ConfigMap stays readable in
// `kubectl get -o yaml`. Pure.

/** YAML double-quoted scalar. Escapes what JSON leaves raw but YAML does not allow or treats as a line break. */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Characters a literal block cannot hold verbatim (YAML's non-printables, and CR which YAML folds into LF). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_LITERAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * A multi-line value under a mapping key at `indent` spaces: a literal block
 * (`|2`, `|2-`, `|2+`: always with the indentation indicator, so text whose
 * first lines start with spaces needs no special case), or a double-quoted
 * scalar when the text cannot be a block.
 * Returns what follows `key:` (starting with a space).
 */
export function yamlBlock(value: string, indent: number): string {
  if (value === '' || NOT_LITERAL.test(value)) return ` ${yamlString(value)}`;
  const trailing = /\n*$/.exec(value)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? value : value.slice(0, value.length - trailing);
  const lines = body.split('\n');
  const pad = ' '.repeat(indent + 2);
  const text = lines.map((l) => (l === '' ? '' : pad + l)).join('\n');
  // With '+' the extra trailing newlines are part of the value: emit them as empty lines.
  const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
  return ` |2${chomp}\n${text}${extra}`;
}
