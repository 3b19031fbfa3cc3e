/** Two projects: `unit` (pure code next to the sources) and `integration` (the real server). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      // The chart tools (scripts/fetch-helm.mjs) are not part of the sources.
      modulePathIgnorePatterns: ['<rootDir>/.cache/'],
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: '.',
      // The chart tools (scripts/fetch-helm.mjs) are not part of the sources.
      modulePathIgnorePatterns: ['<rootDir>/.cache/'],
      testMatch: ['<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.service-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
