// ESLint flat config: typescript-eslint with type information, so floating promises are caught.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ESLint's own defineConfig: typescript-eslint deprecated its `tseslint.config()` helper for it.
export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', '.reelkit/**', 'coverage/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // `interface Video extends z.output<typeof videoSchema> {}` names a wire type after its schema, so
      // editors and the SDK reference show `Video`, not the expanded object.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // Process entry points, scripts, tests and benchmarks talk to a terminal.
    files: ['**/main.ts', 'scripts/**', 'bench/**', '**/test/**', '**/*.test.ts', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
