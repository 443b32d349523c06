/**
 * One jest run over every workspace. Workspace packages resolve to their
 * TypeScript sources, so unit tests need no build; tests that start
 * services as processes run their compiled dist/ (npm test builds first).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/infra', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@sfu-cluster/(config|logger|protocol|registry|rpc|service|jobs|testkit)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 60_000,
};
