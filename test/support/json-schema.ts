// A small JSON Schema (draft-07) validator: the subset schema/pidone.schema.json uses, so the
// schema can be tested without a dependency. Unknown keywords fail loudly rather than pass.

export type Schema = boolean | { readonly [key: string]: unknown };

const KNOWN = new Set([
  '$schema', '$id', '$ref', 'title', 'description', 'definitions', 'type', 'properties', 'required',
  'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'enum', 'oneOf', 'anyOf',
  'items', 'minItems', 'pattern', 'minLength', 'minimum', 'maximum',
]);

/** Validates value against schema (refs resolve in root); returns the errors, [] when valid. */
export function validate(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`validator does not support keyword ${k}`);
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/definitions\//, '');
    const target = (root as Record<string, Record<string, Schema>>).definitions?.[name];
    if (target === undefined) throw new Error(`unresolved $ref ${s.$ref}`);
    return validate(value, target, root, path);
  }
  const errors: string[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => hasType(value, t))) return [`${path}: expected ${types.join(' or ')}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => validate(value, sub as Schema, root, path).length === 0)) {
    errors.push(`${path}: matches none of anyOf`);
  }
  if (Array.isArray(s.oneOf)) {
    const n = s.oneOf.filter((sub) => validate(value, sub as Schema, root, path).length === 0).length;
    if (n !== 1) errors.push(`${path}: matches ${n} of oneOf, expected exactly 1`);
  }
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => errors.push(...validate(v, s.items as Schema, root, `${path}[${i}]`)));
  }
  if (isObject(value)) errors.push(...validateObject(value, s, root, path));
  return errors;
}

function validateObject(value: Record<string, unknown>, s: Record<string, unknown>, root: Schema, path: string): string[] {
  const errors: string[] = [];
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, Schema>);
  for (const r of (s.required ?? []) as string[]) if (!(r in value)) errors.push(`${path}: missing ${r}`);
  if (typeof s.minProperties === 'number' && Object.keys(value).length < s.minProperties) errors.push(`${path}: fewer than ${s.minProperties} properties`);
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k}`;
    if (s.propertyNames !== undefined) errors.push(...validate(k, s.propertyNames as Schema, root, `${at} (name)`));
    let matched = false;
    if (Object.hasOwn(props, k)) {
      matched = true;
      errors.push(...validate(v, props[k] as Schema, root, at));
    }
    for (const [re, sub] of patterns) {
      if (new RegExp(re, 'u').test(k)) {
        matched = true;
        errors.push(...validate(v, sub, root, at));
      }
    }
    if (!matched && s.additionalProperties !== undefined) errors.push(...validate(v, s.additionalProperties as Schema, root, at));
  }
  return errors;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'number': return typeof v === 'number';
    case 'integer': return Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return isObject(v);
    default: throw new Error(`unknown type ${t}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
