import { NotFoundException } from '@nestjs/common';
import { AuthError } from '../../auth/auth.errors';
import { DomainError } from '../../common/domain-error';
import { ConsoleValidationError, titleOf, toConsoleError } from './console-errors';

describe('toConsoleError', () => {
  it('maps a domain error to its status, a title and the detail', () => {
    const r = toConsoleError(new DomainError('UserNotFound', "The user 'alice' does not exist"), 'RID');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      success: false,
      error: 'User not found',
      message: "The user 'alice' does not exist",
      code: 'UserNotFound',
      request_id: 'RID',
    });
  });

  it('carries the data and Retry-After of an auth error', () => {
    const r = toConsoleError(new AuthError('TwoFactorRequired', '2FA required', { requires_2fa: true }));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: '2FA required', code: 'TwoFactorRequired', data: { requires_2fa: true } });
    expect(toConsoleError(new AuthError('TooManyRequests', 'slow down', undefined, 42)).headers).toEqual({ 'Retry-After': '42' });
  });

  it('names the fields of a validation error', () => {
    const r = toConsoleError(
      new ConsoleValidationError({ username: ['username must be a string'], page: ['page must not be less than 1'] }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      code: 'ValidationError',
      error: 'username must be a string',
      fields: { page: ['page must not be less than 1'] },
    });
  });

  it('keeps the status of Nest HTTP exceptions and hides unknown errors', () => {
    expect(toConsoleError(new NotFoundException('Cannot GET /api/v1/x')).body).toMatchObject({
      code: 'NotFound',
      message: 'Cannot GET /api/v1/x',
    });
    const unknown = toConsoleError(new Error('secret detail'));
    expect(unknown.status).toBe(500);
    expect(unknown.known).toBe(false);
    expect(JSON.stringify(unknown.body)).not.toContain('secret detail');
  });

  it('answers body-parser failures', () => {
    expect(toConsoleError(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' })).body.code).toBe('MalformedJSON');
    expect(toConsoleError(Object.assign(new Error('x'), { status: 413, type: 'entity.too.large' })).status).toBe(413);
  });
});

describe('titleOf', () => {
  it.each([
    ['UserNotFound', 'User not found'],
    ['AccessDenied', 'Access denied'],
    ['InvalidInput', 'Invalid input'],
  ])('%s → %s', (code, title) => expect(titleOf(code)).toBe(title));
});
