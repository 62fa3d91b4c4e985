// NestJS 12 ships ES modules; Jest on Node 20 loads CommonJS, so @swc/jest transforms TypeScript
// and those ESM-only packages alike.
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': swcTransform },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@fastify|fastify|uid|file-type|strtok3|token-types|load-esm|@tokenizer|iterare|cookie|content-disposition|intl-messageformat|@formatjs)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^@pangolin/domain$': '<rootDir>/libs/domain/src',
    '^@pangolin/event-store$': '<rootDir>/libs/event-store/src',
    '^@pangolin/read-models$': '<rootDir>/libs/read-models/src',
    '^@pangolin/application$': '<rootDir>/libs/application/src',
    '^@pangolin/transparency$': '<rootDir>/libs/transparency/src',
    '^@pangolin/witness$': '<rootDir>/libs/witness/src',
    '^@pangolin/runtime$': '<rootDir>/libs/runtime/src',
    '^@pangolin/records$': '<rootDir>/libs/records/src',
  },
  testEnvironment: 'node',
};

module.exports = {
  // Jest reads a test's deadline from the global configuration only (a project's testTimeout is
  // ignored): two minutes, for the end-to-end tests that start the platform on a shared machine.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'] },
    {
      ...common,
      displayName: 'int-postgres',
      testMatch: ['<rootDir>/libs/{read-models,records}/**/*.int.spec.ts'],
      setupFiles: ['<rootDir>/test/support/read-db-postgres.setup.js'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
};
