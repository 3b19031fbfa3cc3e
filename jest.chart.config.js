/** The chart and image tests (`npm run test:chart`): helm, the rendered manifests, the image's install steps. */
module.exports = {
  testTimeout: 300000,
  projects: [
    {
      displayName: 'chart',
      testEnvironment: 'node',
      rootDir: '.',
      // The chart tools (scripts/fetch-helm.mjs) are not part of the sources.
      modulePathIgnorePatterns: ['<rootDir>/.cache/'],
      testMatch: ['<rootDir>/test/chart/**/*.chart-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    },
  ],
};
