import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS } from '../../../src/core/entity-kind.js';
import { ENTITIES } from '../../../src/pipeline/entities.js';
import { ENTITY_KIND_SCHEMA } from '../../../src/pipeline/file/schema.js';
import { ENTITY_FIELDS } from '../../../src/transform/entity-fields.js';

describe('ENTITY_KINDS', () => {
  it('lists each target entity once, users first and time logs last', () => {
    expect(ENTITY_KINDS).toEqual(['user', 'project', 'milestone', 'tasklist', 'task', 'subtask', 'timelog']);
  });

  it('is the one list: the field table, the cost table and the pipeline schema cover exactly these kinds', () => {
    expect(Object.keys(ENTITY_FIELDS).sort()).toEqual([...ENTITY_KINDS].sort());
    expect(Object.keys(ENTITIES).sort()).toEqual([...ENTITY_KINDS].sort());
    expect(ENTITY_KIND_SCHEMA.options).toEqual([...ENTITY_KINDS]);
    expect(ENTITY_KIND_SCHEMA.safeParse('issue').success).toBe(false);
  });
});
