// One jest run, several projects. `scripts/hearth.mjs test` runs the fast
// projects first and the browser (e2e) project afterwards, serially.
const swc = (extra = {}) => [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      ...extra,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const protocolAlias = { '^@hearth/protocol$': '<rootDir>/../packages/protocol/src/index.ts' };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'protocol',
      rootDir: 'packages/protocol',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.tsx?$': swc() },
    },
    {
      displayName: 'server',
      rootDir: 'server',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
      transform: { '^.+\\.tsx?$': swc() },
      moduleNameMapper: protocolAlias,
    },
    {
      displayName: 'client',
      rootDir: 'client',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
      transform: { '^.+\\.tsx?$': swc() },
      moduleNameMapper: { ...protocolAlias, '\\.(css)$': 'identity-obj-proxy' },
      setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
    },
    {
      displayName: 'e2e',
      rootDir: 'tests',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/**/*.e2e.ts'],
      transform: { '^.+\\.tsx?$': swc() },
      moduleNameMapper: protocolAlias,
    },
  ],
};
