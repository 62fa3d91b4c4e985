/**
 * The edges between Pangolin's parts (issue #16), checked by `npm run depcheck` (part of `npm test`):
 *   - no import cycles anywhere;
 *   - libs/domain is pure: it imports only itself (no Node built-ins such as crypto or fs, no npm
 *     package such as @nestjs/* or typeorm, no other lib, no app) - randomness and encryption reach
 *     the deciders through the command, from a port the application implements;
 *   - an app never imports another app (shared runtime code lives in a lib);
 *   - a lib never imports an app.
 * test/dependency-rules.unit.spec.ts proves each rule fails on a violating fixture.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle: modules that need each other belong together, or one of them needs a smaller part of the other moved out.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain holds pure deciders: it imports only itself - no Node built-ins (crypto, fs, ...), no npm packages (@nestjs/*, typeorm, ...), no other lib or app. Values from the outside world (random bytes, sealed data, time) come in on the command.',
      from: { path: '^libs/domain/' },
      to: { pathNot: '^libs/domain/' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'An app imports another app: move the shared code into a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      severity: 'error',
      comment: 'A lib imports an app: libs are what apps are built from, never the other way round.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
