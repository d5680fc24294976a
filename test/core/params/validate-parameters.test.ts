import { createParameterValidator } from '../../../src/core/params/validate-parameters';

const schema = {
  type: 'object',
  properties: {
    user_email: { type: 'string', format: 'email' },
    environment: { type: 'string', enum: ['staging', 'production'] },
    replicas: { type: 'integer', minimum: 1 },
    force: { type: 'boolean' },
    max_rows: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
    day: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    hosts: { type: 'array', items: { type: 'string' } },
  },
  required: ['user_email', 'environment'],
};

describe('validateParameters', () => {
  const validator = createParameterValidator();

  it('accepts valid values and coerces strings where the schema wants numbers or booleans', () => {
    const result = validator.validate(schema, {
      user_email: 'ann@example.com',
      environment: 'staging',
      replicas: '3',
      force: 'yes',
      max_rows: '100',
      hosts: 'a, b',
    });
    expect(result).toEqual({
      ok: true,
      errors: {},
      values: {
        user_email: 'ann@example.com',
        environment: 'staging',
        replicas: 3,
        force: true,
        max_rows: 100,
        hosts: ['a', 'b'],
      },
    });
  });

  it('returns one readable message per invalid parameter', () => {
    const result = validator.validate(schema, {
      user_email: 'not-an-email',
      environment: 'qa',
      replicas: '0',
      force: 'maybe',
      max_rows: 'lots',
      day: '12/06/2025',
      at: 'tomorrow',
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual({
      user_email: 'must be a valid e-mail address',
      environment: 'must be one of: staging, production',
      replicas: 'must be >= 1',
      force: 'must be yes or no',
      max_rows: 'must be a whole number',
      day: 'must be a valid date (YYYY-MM-DD)',
      at: 'must be a valid date and time (e.g. 2025-06-13T09:00:00Z)',
    });
  });

  it('reports missing required parameters unless partial', () => {
    expect(validator.validate(schema, {}).errors).toEqual({
      user_email: 'is required',
      environment: 'is required',
    });
    expect(validator.validate(schema, {}, { partial: true }).ok).toBe(true);
  });

  it('rejects a fractional number for an integer', () => {
    expect(
      validator.validate(schema, { user_email: 'a@b.co', environment: 'staging', replicas: '1.5' }).errors,
    ).toEqual({
      replicas: 'must be a whole number',
    });
  });
});

describe('validateParameters on hostile input', () => {
  it('refuses oversized values before running any pattern', () => {
    const validator = createParameterValidator();
    const result = validator.validate(
      { type: 'object', properties: { note: { type: 'string', pattern: '^(a+)+$' } } },
      { note: `${'a'.repeat(20_000)}!` },
    );
    expect(result.errors).toEqual({ note: 'is too long (at most 10000 characters)' });
  });
});
