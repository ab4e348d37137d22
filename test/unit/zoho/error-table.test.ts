import { describe, expect, it } from 'vitest';
import { classifyNetworkError, classifyResponse, readErrorBody } from '../../../src/zoho/error-table.js';
import { backoffMs, parseRetryAfterMs } from '../../../src/zoho/backoff.js';
import { quoteBigIntegers, parseJsonSafe } from '../../../src/zoho/safe-json.js';

const v3 = (status: string, title: string, field?: string) => ({
  error: { status_code: status, title, details: field ? [{ message: 'bad', field_name: field }] : [] },
});

describe('error table', () => {
  it.each([
    [429, undefined, 'rate-limited', 'ZOHO_RATE_LIMITED'],
    [400, 'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED', 'rate-limited', 'ZOHO_RATE_LIMITED'],
    [401, 'INVALID_OAUTHTOKEN', 'refresh-then-retry', 'ZOHO_TOKEN_INVALID'],
    [400, 'INVALID_OAUTHTOKEN', 'refresh-then-retry', 'ZOHO_TOKEN_INVALID'],
    [401, undefined, 'refresh-then-retry', 'ZOHO_TOKEN_INVALID'],
    [401, 'INVALID_OAUTHSCOPE', 'fatal', 'ZOHO_SCOPE_MISSING'],
    [400, 'INVALID_PARAMETER_VALUE', 'reject-row', 'ZOHO_BAD_REQUEST'],
    [400, 'EXTRA_KEY_FOUND_IN_JSON', 'reject-row', 'ZOHO_BAD_REQUEST'],
    [400, 'URL_RULE_NOT_CONFIGURED', 'fatal', 'ZOHO_BAD_REQUEST'],
    [500, 'INTERNAL_SERVER_ERROR', 'retry', 'ZOHO_SERVER_ERROR'],
    [503, undefined, 'retry', 'ZOHO_SERVER_ERROR'],
    [404, undefined, 'reject-row', 'ZOHO_NOT_FOUND'],
    [410, undefined, 'reject-row', 'ZOHO_GONE'],
    [403, undefined, 'fatal', 'ZOHO_SCOPE_MISSING'],
  ] as const)('%i %s → %s', (status, title, action, code) => {
    const c = classifyResponse(status, title ? readErrorBody(v3(String(status), title)) : undefined);
    expect(c).toMatchObject({ action, code });
  });

  it('2xx without error body is success; 2xx with an error body is classified by the body', () => {
    expect(classifyResponse(200, undefined)).toBeUndefined();
    expect(classifyResponse(200, readErrorBody(v3('400', 'INVALID_PARAMETER_VALUE', 'name')))).toMatchObject({ action: 'reject-row' });
    expect(classifyResponse(200, readErrorBody(v3('429', 'SOMETHING')))).toMatchObject({ action: 'rate-limited' });
  });

  it('reads title, field and message from V3 and V2 bodies', () => {
    expect(readErrorBody(v3('400', 'INVALID_PARAMETER_VALUE', 'start_date'))).toEqual({ title: 'INVALID_PARAMETER_VALUE', message: 'bad', fieldName: 'start_date', bodyStatus: 400 });
    expect(readErrorBody({ error: { code: 6504, message: 'Domain Not Available' } })).toMatchObject({ title: '6504', message: 'Domain Not Available' });
    expect(readErrorBody({ tasks: [] })).toBeUndefined();
  });

  it('network errors: a refused connection was never sent; a reset may have been', () => {
    const err = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    expect(classifyNetworkError(err('ECONNREFUSED'), false)).toMatchObject({ sent: false });
    expect(classifyNetworkError(err('ECONNRESET'), false)).toMatchObject({ sent: true, reason: 'ECONNRESET' });
    expect(classifyNetworkError(new Error('x'), true)).toMatchObject({ code: 'ZOHO_TIMEOUT', sent: true });
  });
});

describe('backoff and Retry-After', () => {
  it('full jitter within a capped exponential ceiling', () => {
    expect(backoffMs(0, { random: () => 0.999 })).toBe(999);
    expect(backoffMs(3, { random: () => 0.5 })).toBe(4000);
    expect(backoffMs(20, { random: () => 0.5, capMs: 60_000 })).toBe(30_000);
    expect(backoffMs(5, { random: () => 0 })).toBe(0);
  });
  it('Retry-After in seconds or HTTP date; 0 or past → undefined (fall back to backoff)', () => {
    const now = Date.UTC(2026, 10, 1, 12, 0, 0);
    expect(parseRetryAfterMs('540', now)).toBe(540_000);
    expect(parseRetryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfterMs('0', now)).toBeUndefined();
    expect(parseRetryAfterMs(new Date(now - 30_000).toUTCString(), now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });
});

describe('safe JSON', () => {
  it('keeps 19-digit ids exact and leaves strings alone', () => {
    const text = '{"id":1512955000019693140,"n":12,"s":"x: 1512955000019693141, \\"q\\"","a":[-1234567890123456789, 1.5e300]}';
    expect(parseJsonSafe(text)).toEqual({ id: '1512955000019693140', n: 12, s: 'x: 1512955000019693141, "q"', a: ['-1234567890123456789', 1.5e300] });
    expect(quoteBigIntegers('{"a":1}')).toBe('{"a":1}');
    expect(parseJsonSafe('')).toBeUndefined();
  });
});
