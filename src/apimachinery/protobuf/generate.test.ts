import { gzipSync } from 'node:zlib';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import {
  buildTable,
  embeddedDescriptors,
  type FieldProto,
  type FileProto,
} from '../../../scripts/gen-protobuf-schema.js';
import type { Definitions } from '../schema.js';

const field = (name: string, number: number, type: string, more: Partial<FieldProto> = {}): FieldProto => ({
  name,
  number,
  label: 'LABEL_OPTIONAL',
  type: `TYPE_${type}`,
  ...more,
});
const value = { options: { gogoNullable: false } };
const repeated = { label: 'LABEL_REPEATED' };

describe('embeddedDescriptors', () => {
  it('finds gzipped FileDescriptorProtos among other bytes, as Go writes them', () => {
    const file = descriptor.FileDescriptorProto.encode({
      name: 'k8s.io/api/test/v1/generated.proto',
      package: 'k8s.io.api.test.v1',
      messageType: [{ name: 'Thing', field: [{ name: 'name', number: 1, label: 1, type: 9 }] }],
    }).finish();
    const gz = gzipSync(file);
    gz[8] = 0x02; // XFL: best compression
    gz[9] = 0xff; // OS: unknown
    const fake = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x02, 0xff, 1, 2, 3]);
    const binary = Buffer.concat([Buffer.alloc(100, 7), fake, gz, Buffer.from('trailing rodata')]);

    const found = embeddedDescriptors(binary);
    expect([...found.keys()]).toEqual(['k8s.io/api/test/v1/generated.proto']);
    expect(found.get('k8s.io/api/test/v1/generated.proto')?.messageType?.[0]?.field?.[0]).toMatchObject({
      name: 'name',
      number: 1,
      label: 'LABEL_OPTIONAL',
      type: 'TYPE_STRING',
    });
  });
});

describe('buildTable', () => {
  const pkg = 'k8s.io.api.test.v1';
  const files: FileProto[] = [
    {
      name: 'k8s.io/api/test/v1/generated.proto',
      package: pkg,
      messageType: [
        {
          name: 'Thing',
          field: [
            field('name', 1, 'STRING', value),
            field('count', 2, 'INT32'),
            field('source', 3, 'MESSAGE', {
              typeName: `.${pkg}.Source`,
              options: { gogoNullable: false, gogoCustomname: 'Source' },
            }),
            field('labels', 4, 'MESSAGE', { ...repeated, typeName: `.${pkg}.Thing.LabelsEntry` }),
            field('uID', 5, 'STRING'),
            field('tags', 6, 'STRING', repeated),
            field('words', 7, 'MESSAGE', { typeName: `.${pkg}.Words` }),
            field('projection', 8, 'MESSAGE', { typeName: `.${pkg}.Projection` }),
          ],
          nestedType: [
            {
              name: 'LabelsEntry',
              field: [field('key', 1, 'STRING'), field('value', 2, 'BYTES')],
              options: { mapEntry: true },
            },
          ],
        },
        { name: 'Source', field: [field('path', 1, 'STRING', value)] },
        { name: 'Words', field: [field('items', 1, 'STRING', repeated)] },
        { name: 'Projection', field: [field('items', 1, 'STRING', repeated)] },
      ],
    },
  ];
  const defs: Definitions = {
    'io.k8s.api.test.v1.Thing': {
      type: 'object',
      required: ['name', 'path'],
      properties: {
        name: { type: 'string' },
        count: { type: 'integer' },
        path: { type: 'string' },
        labels: { type: 'object' },
        uid: { type: 'string' },
        tags: { type: 'array' },
        words: { type: 'array' },
        projection: { type: 'object' },
      },
    },
    'io.k8s.api.test.v1.Projection': { type: 'object', properties: { items: { type: 'array' } } },
  };

  it('records value/required/inline/map flags, JSON names and named slices', () => {
    const warnings: string[] = [];
    const table = buildTable(files, defs, (m) => warnings.push(m));
    expect(table.files).toEqual(['k8s.io/api/test/v1/generated.proto']);
    expect(table.messages[`${pkg}.Thing`]).toEqual({
      fields: [
        [1, 'name', 'string', 'vq'],
        [2, 'count', 'int32'],
        [3, 'source', `${pkg}.Source`, 'vi'],
        [4, 'labels', 'bytes', 'm', 'string'],
        [5, 'uid', 'string'],
        [6, 'tags', 'string', 'r'],
        [7, 'words', `${pkg}.Words`],
        [8, 'projection', `${pkg}.Projection`],
      ],
    });
    // The inlined Source is described by Thing's definition: `path` is required there.
    expect(table.messages[`${pkg}.Source`]).toEqual({ fields: [[1, 'path', 'string', 'vq']] });
    expect(table.messages[`${pkg}.Words`]).toEqual({ fields: [[1, 'items', 'string', 'r']], slice: true });
    expect(table.messages[`${pkg}.Projection`]).toEqual({ fields: [[1, 'items', 'string', 'r']] });
    expect(table.messages[`${pkg}.Thing.LabelsEntry`]).toBeUndefined();
    expect(warnings).toContain(`${pkg}.Thing.uID: proto name differs from the JSON name "uid"`);
  });
});
