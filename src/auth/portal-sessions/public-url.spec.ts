import { publicBaseUrl } from './public-url';

describe('publicBaseUrl', () => {
  it.each([
    [
      { PUBLIC_URL: 'https://hooks.example.com/', HOST: '0.0.0.0', PORT: 3000 },
      'https://hooks.example.com',
    ],
    [
      { PUBLIC_URL: 'https://example.com/hooks', HOST: '0.0.0.0', PORT: 3000 },
      'https://example.com/hooks',
    ],
    [{ PUBLIC_URL: undefined, HOST: '0.0.0.0', PORT: 3000 }, 'http://localhost:3000'],
    [{ PUBLIC_URL: undefined, HOST: '127.0.0.1', PORT: 8080 }, 'http://127.0.0.1:8080'],
    [{ PUBLIC_URL: undefined, HOST: '::1', PORT: 8080 }, 'http://[::1]:8080'],
  ])('%j → %s', (config, expected) => {
    expect(publicBaseUrl(config)).toBe(expected);
  });
});
