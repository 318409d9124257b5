import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = code): Error =>
  Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['an unknown host', withCode('ENOTFOUND')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['an admin shutdown (57P01)', withCode('57P01')],
    ['a server starting up (57P03)', withCode('57P03')],
    ["pg-pool's connect timeout", new Error('timeout exceeded when trying to connect')],
    ["pg's lost connection", new Error('Connection terminated unexpectedly')],
    ["pg's connect timeout", new Error('Connection terminated due to connection timeout')],
    [
      'a TypeORM error wrapping one',
      Object.assign(new Error('Query failed'), { driverError: withCode('57P01') }),
    ],
  ])('recognises %s', (_case, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a foreign-key violation', withCode('23503')],
    ['a cancelled statement (57014)', withCode('57014')],
    ['a raised exception', withCode('P0001')],
    ['a syntax error', withCode('42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
  ])('does not take %s for an outage', (_case, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
