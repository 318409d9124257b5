import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ConnectTargetGuard, createGuardedLookup, SsrfBlockedError } from './guarded-lookup';

type LookupResult = {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
};

/** A resolver that answers every name with the given addresses and records how it was asked. */
function fakeResolver(answers: LookupAddress[] | NodeJS.ErrnoException) {
  const calls: LookupOptions[] = [];
  const lookup: LookupFunction = (_hostname, options, callback) => {
    calls.push(options);
    if (answers instanceof Error) callback(answers, []);
    else callback(null, options.all ? answers : answers[0].address, answers[0]?.family);
  };
  return { lookup, calls };
}

function runLookup(
  sut: LookupFunction,
  hostname: string,
  options: LookupOptions,
): Promise<LookupResult> {
  return new Promise((resolve) =>
    sut(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });
const strict = { allowPrivate: false, extraForbidden: [] };

describe('createGuardedLookup', () => {
  describe('with a fake resolver', () => {
    it.each([
      ['a loopback answer', [v4('127.0.0.1')], '127.0.0.1'],
      ['the metadata service', [v4('169.254.169.254')], '169.254.169.254'],
      ['an IPv6 loopback answer', [v6('::1')], '::1'],
      ['an IPv4-mapped loopback answer', [v6('::ffff:127.0.0.1')], '::ffff:127.0.0.1'],
      ['one private answer among public ones', [v4('8.8.8.8'), v4('10.0.0.5')], '10.0.0.5'],
      ['a private IPv6 answer after a public IPv4 one', [v4('8.8.8.8'), v6('fd00::1')], 'fd00::1'],
    ])('refuses a name resolving to %s', async (_case, answers, blockedAddress) => {
      const { lookup } = fakeResolver(answers);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'rebind.example', { all: false });

      expect(error).toBeInstanceOf(SsrfBlockedError);
      expect(error).toMatchObject({
        code: 'EBLOCKED',
        hostname: 'rebind.example',
        address: blockedAddress,
      });
    });

    it('refuses with all: true as well', async () => {
      const { lookup } = fakeResolver([v4('8.8.8.8'), v4('127.0.0.1')]);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'rebind.example', { all: true });

      expect(error).toBeInstanceOf(SsrfBlockedError);
    });

    it('explains the refusal without leaking anything but host and address', async () => {
      const { lookup } = fakeResolver([v4('169.254.169.254')]);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'rebind.example', {});

      expect(error?.message).toBe(
        'Blocked connection to rebind.example (resolved to 169.254.169.254): ' +
          'link-local address, home of cloud metadata 169.254.169.254 (169.254.0.0/16)',
      );
    });

    it('answers a single address for all: false', async () => {
      const { lookup } = fakeResolver([v6('2606:4700::1'), v4('8.8.8.8')]);
      const sut = createGuardedLookup({ ...strict, lookup });

      const result = await runLookup(sut, 'public.example', { all: false });

      expect(result).toEqual({ error: null, address: '2606:4700::1', family: 6 });
    });

    it('answers every address for all: true', async () => {
      const answers = [v4('8.8.8.8'), v6('2606:4700::1')];
      const { lookup } = fakeResolver(answers);
      const sut = createGuardedLookup({ ...strict, lookup });

      const result = await runLookup(sut, 'public.example', { all: true });

      expect(result).toEqual({ error: null, address: answers, family: undefined });
    });

    it('always asks the resolver for every address, keeping the other options', async () => {
      const { lookup, calls } = fakeResolver([v4('8.8.8.8')]);
      const sut = createGuardedLookup({ ...strict, lookup });

      await runLookup(sut, 'public.example', { family: 4, hints: 32 });

      expect(calls).toEqual([{ family: 4, hints: 32, all: true }]);
    });

    it('copes with a resolver that ignores all: true', async () => {
      const lookup: LookupFunction = (_hostname, _options, callback) =>
        callback(null, '127.0.0.1', 4);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'rebind.example', { all: true });

      expect(error).toBeInstanceOf(SsrfBlockedError);
    });

    it('passes resolver errors through untouched', async () => {
      const notFound: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND x'), {
        code: 'ENOTFOUND',
      });
      const { lookup } = fakeResolver(notFound);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'missing.example', {});

      expect(error).toBe(notFound);
    });

    it('treats an empty answer as not found', async () => {
      const { lookup } = fakeResolver([]);
      const sut = createGuardedLookup({ ...strict, lookup });

      const { error } = await runLookup(sut, 'empty.example', { all: true });

      expect(error).toMatchObject({ code: 'ENOTFOUND' });
    });

    it('lets private answers through when allowPrivate is set', async () => {
      const { lookup } = fakeResolver([v4('127.0.0.1')]);
      const sut = createGuardedLookup({ allowPrivate: true, extraForbidden: [], lookup });

      const result = await runLookup(sut, 'localhost', {});

      expect(result).toEqual({ error: null, address: '127.0.0.1', family: 4 });
    });

    it('refuses extra forbidden addresses even when allowPrivate is set', async () => {
      const { lookup } = fakeResolver([v4('203.0.114.10')]);
      const sut = createGuardedLookup({
        allowPrivate: true,
        extraForbidden: ['203.0.114.0/24'],
        lookup,
      });

      const { error } = await runLookup(sut, 'api.ourselves.example', {});

      expect(error).toBeInstanceOf(SsrfBlockedError);
    });

    it('refuses a malformed extra forbidden entry when created', () => {
      expect(() => createGuardedLookup({ ...strict, extraForbidden: ['10.0.0.0/99'] })).toThrow(
        /10\.0\.0\.0\/99/,
      );
    });
  });

  describe('with the real dns.lookup', () => {
    it.each([{ all: false }, { all: true }])('refuses localhost (%p)', async (options) => {
      const sut = createGuardedLookup(strict);

      const { error } = await runLookup(sut, 'localhost', options);

      expect(error).toBeInstanceOf(SsrfBlockedError);
    });
  });
});

describe('ConnectTargetGuard: which hostnames it refuses', () => {
  it.each(['127.0.0.1', '[::1]', '169.254.169.254', '[::ffff:10.0.0.1]', '0.0.0.0'])(
    'refuses the forbidden literal %s',
    (hostname) => {
      expect(() => new ConnectTargetGuard(strict).assertAllowed(hostname)).toThrow(
        SsrfBlockedError,
      );
    },
  );

  it.each(['8.8.8.8', '[2606:4700::1]', 'localhost', 'example.com'])(
    'leaves %s to the guarded lookup or lets it through',
    (hostname) => {
      expect(() => new ConnectTargetGuard(strict).assertAllowed(hostname)).not.toThrow();
    },
  );

  it('honours allowPrivate', () => {
    expect(() =>
      new ConnectTargetGuard({ allowPrivate: true, extraForbidden: [] }).assertAllowed('127.0.0.1'),
    ).not.toThrow();
  });

  it('names the bare address in the error', () => {
    expect(() => new ConnectTargetGuard(strict).assertAllowed('[::1]')).toThrow(
      expect.objectContaining({ address: '::1', reason: 'loopback address (::1/128)' }),
    );
  });
});

describe('ConnectTargetGuard', () => {
  it('gives the same verdicts asked once or many times', () => {
    const sut = new ConnectTargetGuard(strict);
    for (let round = 0; round < 3; round++) {
      expect(() => sut.assertAllowed('127.0.0.1')).toThrow(SsrfBlockedError);
      expect(() => sut.assertAllowed('[::1]')).toThrow(
        expect.objectContaining({ address: '::1', reason: 'loopback address (::1/128)' }),
      );
      expect(() => sut.assertAllowed('8.8.8.8')).not.toThrow();
      expect(() => sut.assertAllowed('example.com')).not.toThrow();
    }
  });

  it('throws a new error each time (no shared stack or state between requests)', () => {
    const sut = new ConnectTargetGuard(strict);
    const caught = (): unknown => {
      try {
        sut.assertAllowed('169.254.169.254');
      } catch (err) {
        return err;
      }
      return null;
    };
    const first = caught();

    expect(first).toBeInstanceOf(SsrfBlockedError);
    expect(caught()).not.toBe(first);
  });

  it('stays correct after forgetting (more hostnames than it remembers)', () => {
    const sut = new ConnectTargetGuard(strict);
    for (let i = 0; i < 5000; i++) sut.assertAllowed(`host-${i}.example.com`);

    expect(() => sut.assertAllowed('10.0.0.1')).toThrow(SsrfBlockedError);
    expect(() => sut.assertAllowed('8.8.4.4')).not.toThrow();
  });
});
