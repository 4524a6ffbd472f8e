import nx from '@nx/eslint-plugin';

const frameworkPackages = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'better-sqlite3',
  'nats',
  '@kubernetes/client-node',
  'isomorphic-git',
  'express',
  'prom-client',
];

const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', '**/bench/**/*.ts'];

/** Module boundaries (STYLE.md); tests and benches of any project may also use libs/testing. */
function boundaries(forTests) {
  const allowed = (tags) => (forTests ? [...tags, 'type:testing'] : tags);
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      {
        // Contracts are the shared vocabulary: a schema library and nothing else.
        sourceTag: 'type:contracts',
        onlyDependOnLibsWithTags: allowed(['type:contracts']),
        bannedExternalImports: frameworkPackages,
      },
      {
        // Pure libraries (kustomize engine): no frameworks, no I/O adapters.
        sourceTag: 'type:pure',
        onlyDependOnLibsWithTags: allowed(['type:contracts', 'type:pure']),
        bannedExternalImports: forTests ? [] : frameworkPackages,
      },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: allowed(['type:contracts', 'type:pure', 'type:infra']) },
      // libs/testing holds fixtures for real services; it must not import Ferry's infra, or infra tests would cycle.
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:testing'] },
      { sourceTag: 'type:service', onlyDependOnLibsWithTags: allowed(['type:contracts', 'type:pure', 'type:infra']) },
      { sourceTag: 'type:cli', onlyDependOnLibsWithTags: allowed(['type:contracts', 'type:pure', 'type:infra']) },
      // `npm start`'s local environment (dev cluster, demo git server): tooling over the libs, fixtures included.
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:infra', 'type:testing'] },
      // Services talk only through events: none imports another.
      { sourceTag: 'scope:source', notDependOnLibsWithTags: ['scope:reconciler', 'scope:notifier'] },
      { sourceTag: 'scope:reconciler', notDependOnLibsWithTags: ['scope:source', 'scope:notifier'] },
      { sourceTag: 'scope:notifier', notDependOnLibsWithTags: ['scope:source', 'scope:reconciler'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/tmp', '**/.nx', '**/testdata/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(true)],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Domain code is plain TypeScript: frameworks stay in app/infra/transport.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: frameworkPackages, message: 'domain/ is framework-free (see STYLE.md).' }] },
      ],
    },
  },
];
