// ESM + ts-jest: @actions/* are ESM-only, so tests run as ES modules.
export default {
  clearMocks: true,
  extensionsToTreatAsEsm: ['.ts'],
  // Most of the suite's time is real services sampled in real time, waiting more than
  // computing: two files at once on the 2-core CI machine (jest's default there is one).
  maxWorkers: 2,
  moduleFileExtensions: ['ts', 'js', 'json'],
  preset: 'ts-jest',
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/fixtures/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true }]
  },
  verbose: true
}
