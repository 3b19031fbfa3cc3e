/** End-to-end tests of the web console in headless Chromium (npm run test:e2e; test/e2e/run-e2e.mjs). */
module.exports = {
  testTimeout: 240000,
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
