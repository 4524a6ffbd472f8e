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

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/tmp', '**/.nx', '**/testdata/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              // Contracts are the shared vocabulary: a schema library and nothing else.
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: frameworkPackages,
            },
            {
              // Pure libraries (kustomize engine): no frameworks, no I/O adapters.
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:pure'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:infra',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:infra'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:infra', 'type:testing'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:infra', 'type:testing'],
            },
            {
              sourceTag: 'type:cli',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:pure', 'type:infra', 'type:testing'],
            },
            // Services talk only through events: none imports another.
            { sourceTag: 'scope:source', notDependOnLibsWithTags: ['scope:reconciler', 'scope:notifier'] },
            { sourceTag: 'scope:reconciler', notDependOnLibsWithTags: ['scope:source', 'scope:notifier'] },
            { sourceTag: 'scope:notifier', notDependOnLibsWithTags: ['scope:source', 'scope:reconciler'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
