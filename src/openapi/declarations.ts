/**
 * Turns the `kubernetes-types` declaration files into OpenAPI v2 definitions. The files are read
 * syntactically (one `ts.SourceFile` each, no type checker): every exported interface becomes an
 * object schema, its JSDoc the description, its non-optional properties `required`; references
 * to other interfaces become `$ref`s named after upstream's Go packages.
 */
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type TS from 'typescript';
import type { Definitions, GroupVersionKind, Schema } from '../apimachinery/schema.js';
import { groupOfModule, INT_OR_STRING, META, packagePrefix, parseApiVersion } from './names.js';
import { numberSchema } from './number-formats.js';

/**
 * The compiler, loaded on first use: a process that finds the definitions cached never loads it
 * (≈0.4 s saved at start-up), and it may then run where the dev dependency is not installed.
 */
let ts: typeof TS;
const loadTypeScript = (): typeof TS => (ts ??= createRequire(import.meta.url)('typescript') as typeof TS);

export interface DeclarationFile {
  /** Path relative to the package, without `.d.ts`: `core/v1`, `runtime`. */
  module: string;
  text: string;
}

/** Names the file declares and the names it imports (→ module they come from). */
interface Scope {
  module: string;
  locals: Set<string>;
  imports: Map<string, string>;
}

/** meta/v1 kinds that carry a group-version-kind upstream although nothing here says so. */
const META_KINDS = new Set([
  'APIGroup',
  'APIGroupList',
  'APIResourceList',
  'APIVersions',
  'DeleteOptions',
  'Status',
  'WatchEvent',
]);

/** Aliases of `string` that upstream gives a format. */
const STRING_FORMATS: Record<string, string> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
  [`${META}.Time`]: 'date-time',
  [`${META}.MicroTime`]: 'date-time',
};

/** Empty interfaces standing for any JSON value rather than an object. */
const ANY_VALUE = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']);

const hasJSDoc = (node: TS.Node): boolean => ts.getJSDocCommentsAndTags(node).some(ts.isJSDoc);

function description(node: TS.Node): string | undefined {
  if (!hasJSDoc(node)) return undefined;
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n')
    .trim();
  return text || undefined;
}

function propertyName(name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

function stringLiteral(type: TS.TypeNode | undefined): string | undefined {
  return type && ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)
    ? type.literal.text
    : undefined;
}

function scopeOf(module: string, file: TS.SourceFile): Scope {
  const scope: Scope = { module, locals: new Set(), imports: new Map() };
  for (const st of file.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) scope.locals.add(st.name.text);
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const from = posix.normalize(posix.join(posix.dirname(module), st.moduleSpecifier.text));
    const bindings = st.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) scope.imports.set(el.name.text, from);
    }
  }
  return scope;
}

function refTo(name: string, scope: Scope): Schema {
  const module = scope.locals.has(name) ? scope.module : scope.imports.get(name);
  return module === undefined ? {} : { $ref: `#/definitions/${packagePrefix(module)}.${name}` };
}

/** Schema of a property's type; `name` picks the integer format of numbers. */
function typeSchema(type: TS.TypeNode, scope: Scope, name: string): Schema {
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      return numberSchema(name);
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
  }
  if (ts.isLiteralTypeNode(type)) return ts.isStringLiteral(type.literal) ? { type: 'string' } : {};
  if (ts.isArrayTypeNode(type)) return { type: 'array', items: typeSchema(type.elementType, scope, name) };
  if (ts.isParenthesizedTypeNode(type)) return typeSchema(type.type, scope, name);
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const arg = type.typeArguments?.[0];
    if (type.typeName.text === 'Array' && arg) return { type: 'array', items: typeSchema(arg, scope, name) };
    return refTo(type.typeName.text, scope);
  }
  if (ts.isTypeLiteralNode(type)) {
    const index = type.members.find(ts.isIndexSignatureDeclaration);
    return index
      ? { type: 'object', additionalProperties: typeSchema(index.type, scope, name) }
      : { type: 'object' };
  }
  if (ts.isUnionTypeNode(type)) {
    const kinds = new Set(type.types.map((t) => t.kind));
    const intOrString =
      kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword);
    return intOrString ? { $ref: `#/definitions/${INT_OR_STRING}` } : {};
  }
  return {};
}

function groupVersionKind(
  module: string,
  name: string,
  members: Map<string, TS.PropertySignature>,
): GroupVersionKind[] | undefined {
  const kind = stringLiteral(members.get('kind')?.type);
  const apiVersion = stringLiteral(members.get('apiVersion')?.type);
  if (kind && apiVersion) return [{ ...parseApiVersion(apiVersion), kind }];
  if (module === 'meta/v1' && META_KINDS.has(name)) return [{ group: '', version: 'v1', kind: name }];
  if (members.has('kind') && members.has('apiVersion') && members.has('metadata')) {
    const version = module.split('/')[1];
    if (version) return [{ group: groupOfModule(module), version, kind: name }];
  }
  return undefined;
}

function interfaceSchema(decl: TS.InterfaceDeclaration, scope: Scope, fullName: string): Schema {
  const members = new Map<string, TS.PropertySignature>();
  for (const m of decl.members) {
    const name = ts.isPropertySignature(m) ? propertyName(m.name) : undefined;
    if (name !== undefined && ts.isPropertySignature(m)) members.set(name, m);
  }
  const schema: Schema = {};
  const doc = description(decl);
  if (doc) schema.description = doc;
  if (ANY_VALUE.has(fullName)) return schema;
  schema.type = 'object';
  if (members.size === 0) return schema;
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, member] of members) {
    const prop: Schema = {};
    const propDoc = description(member);
    if (propDoc) prop.description = propDoc;
    properties[name] = member.type ? Object.assign(prop, typeSchema(member.type, scope, name)) : prop;
    if (!member.questionToken) required.push(name);
  }
  schema.properties = properties;
  if (required.length) schema.required = required;
  const gvk = groupVersionKind(scope.module, decl.name.text, members);
  if (gvk) schema['x-kubernetes-group-version-kind'] = gvk;
  return schema;
}

function aliasSchema(decl: TS.TypeAliasDeclaration, fullName: string): Schema {
  const schema: Schema = {};
  const doc = description(decl);
  if (doc) schema.description = doc;
  const format = STRING_FORMATS[fullName];
  if (format) Object.assign(schema, { type: 'string', format });
  else if (decl.type.kind === ts.SyntaxKind.StringKeyword) schema.type = 'string';
  return schema;
}

/** All definitions declared by `files`, keyed by upstream definition name. */
export function definitionsFromDeclarations(files: DeclarationFile[]): Definitions {
  loadTypeScript();
  const defs: Definitions = {};
  for (const { module, text } of files) {
    const file = ts.createSourceFile(`${module}.d.ts`, text, ts.ScriptTarget.Latest, true);
    const scope = scopeOf(module, file);
    const prefix = packagePrefix(module);
    for (const st of file.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const name = `${prefix}.${st.name.text}`;
        defs[name] = interfaceSchema(st, scope, name);
      } else if (ts.isTypeAliasDeclaration(st)) {
        const name = `${prefix}.${st.name.text}`;
        defs[name] = aliasSchema(st, name);
      }
    }
  }
  return defs;
}
