import { describe, expect, it } from 'vitest';
import { parseJson, policyProblems, position } from './policy';

describe('policy editor validation', () => {
  it('positions are 1-based lines and columns', () => {
    expect(position('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(position('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('a syntax error says where it is', () => {
    const r = parseJson('{\n  "Version": "2012-10-17",\n  "Statement": [ x ]\n}');
    expect('problem' in r).toBe(true);
    if ('problem' in r) {
      expect(r.problem.line).toBe(3);
      expect(r.problem.column).toBeGreaterThan(1);
    }
  });

  it('valid JSON parses', () => {
    expect(parseJson('{"a":1}')).toEqual({ value: { a: 1 } });
  });

  it('a bucket policy needs Effect, Action, Resource and Principal in each statement', () => {
    expect(
      policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Principal: '*' }] }),
    ).toEqual([]);
    expect(policyProblems({ Statement: [{ Effect: 'Maybe', Resource: '*' }] })).toEqual([
      'Statement[0].Effect must be "Allow" or "Deny"',
      'Statement[0] needs Action or NotAction',
      'Statement[0] needs Principal (a bucket policy names who it applies to)',
    ]);
  });

  it('an identity policy needs no Principal; a wrong Version and a missing Statement are named', () => {
    expect(policyProblems({ Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }, 'identity')).toEqual([]);
    expect(policyProblems({ Version: '2020-01-01' })).toEqual(['Version must be "2012-10-17" (or "2008-10-17")', 'Statement is missing']);
    expect(policyProblems([])).toEqual(['The policy must be a JSON object']);
  });
});
