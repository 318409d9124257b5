/**
 * NestJS 12 ships as ES modules, which Jest's CommonJS runtime cannot require on Node 20,
 * so the suites run in Jest's native ESM mode (`node --experimental-vm-modules`, see the
 * npm scripts). The production build stays CommonJS and loads Nest through Node's own
 * require(esm). The few ESM-only packages that CommonJS dependencies require()
 * (content-disposition, from @fastify/static) are transformed to CommonJS for Jest only.
 */
const CJS_REQUIRED_ESM = ['content-disposition'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', useESM: true }],
  [`/node_modules/(${CJS_REQUIRED_ESM.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: 'tsconfig.jest-cjs.json' }],
};
const common = {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${CJS_REQUIRED_ESM.join('|')})/)`],
};
module.exports = {
  // A global option: Jest ignores it inside `projects`. E2E tests start apps and processes on
  // a shared 2-core machine; unit tests finish in milliseconds either way.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
