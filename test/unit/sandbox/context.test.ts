/**
 * The sandbox's created_time: ISO-8601 UTC by default (every real V3 dump), other forms on request to
 * test a client's tolerance (options createdTimeForm / portalUtcOffsetMin).
 */
import { describe, expect, it } from 'vitest';
import { createdTimeNow, createSandboxClock, type SandboxContext } from '../../../src/sandbox/context.js';
import { resolveConfig, type SandboxConfig } from '../../../src/sandbox/options.js';

const at = Date.UTC(2026, 5, 24, 16, 45, 31, 884);
const ctxWith = (config: Partial<SandboxConfig>) => ({ clock: createSandboxClock(1e-9, at), config: resolveConfig(config) }) as unknown as SandboxContext;

describe('sandbox created_time forms', () => {
  it('defaults to ISO UTC with ms, as the real V3 dumps show', () => {
    expect(createdTimeNow(ctxWith({}))).toBe('2026-06-24T16:45:31.884Z');
  });

  it('iso-offset, local (no offset) and epoch-ms forms', () => {
    expect(createdTimeNow(ctxWith({ createdTimeForm: 'iso-offset', portalUtcOffsetMin: 330 }))).toBe('2026-06-24T22:15:31.884+05:30');
    expect(createdTimeNow(ctxWith({ createdTimeForm: 'iso-offset', portalUtcOffsetMin: -480 }))).toBe('2026-06-24T08:45:31.884-08:00');
    expect(createdTimeNow(ctxWith({ createdTimeForm: 'local', portalUtcOffsetMin: -480 }))).toBe('2026-06-24T08:45:31.884');
    expect(createdTimeNow(ctxWith({ createdTimeForm: 'epoch-ms' }))).toBe(String(at));
  });

  it('rejects an offset outside −12 h … +14 h', () => {
    expect(() => resolveConfig({ portalUtcOffsetMin: 900 })).toThrow();
  });
});
