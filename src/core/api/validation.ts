// Request validation with TypeBox's compiler instead of fastify's default
// ajv: no type coercion for bodies (a number where a string belongs is an
// error, not silently converted), no silent removal of unknown fields, and
// every failure reported as `errors: [{field, message}]` naming the field.
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { ApiError, type FieldError } from './errors.ts';

const MAX_ERRORS = 20;

/** `/messages/3/to` -> `messages[3].to`; part prefixes name where it was (query.limit). */
export function fieldName(path: string, part: string): string {
  const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = part === 'body' ? '' : part;
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out === '' ? (part === 'body' ? 'body' : part) : out;
}

function literalChoices(schema: TSchema): string[] | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf || !anyOf.every((s) => 'const' in s)) return undefined;
  return anyOf.map((s) => String((s as unknown as { const: unknown }).const));
}

function messageFor(err: ValueError): string {
  const custom = (err.schema as { errorMessage?: unknown }).errorMessage;
  if (typeof custom === 'string' && err.type !== ValueErrorType.ObjectRequiredProperty) return custom;
  switch (err.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.Union: {
      const choices = literalChoices(err.schema);
      if (choices) return `must be one of: ${choices.join(', ')}`;
      return 'has the wrong type or value';
    }
    default:
      return err.message.charAt(0).toLowerCase() + err.message.slice(1);
  }
}

/** Field errors for `value` against a compiled checker, at most MAX_ERRORS, one per field. */
export function fieldErrors(errors: Iterable<ValueError>, part: string): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    const field = fieldName(err.path, part);
    if (seen.has(field)) continue;
    // A required-property error is reported once at the field, not also as "expected object".
    seen.add(field);
    out.push({ field, message: messageFor(err) });
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

/** The validator compiler installed on the app (fastify `setValidatorCompiler`). */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const part = httpPart ?? 'body';
  // Query strings and params arrive as strings: convert there only.
  const convert = part === 'querystring' || part === 'params' || part === 'headers';
  const label = part === 'querystring' ? 'query' : part;
  return (data: unknown) => {
    let value = data;
    if (convert) {
      value = Value.Default(schema, Value.Convert(schema, Value.Clone(data)));
    }
    if (checker.Check(value)) return { value };
    const errors = fieldErrors(checker.Errors(value), label);
    const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    return { error: new ApiError('API_ERR_VALIDATION', detail || 'request failed validation', errors) };
  };
};
