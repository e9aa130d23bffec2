// `npm run lint`: typescript-eslint with type information (the tsconfig's own program, through the project
// service), import cycles, and the boundaries between the parts of trendmap:
//   - frontend/ runs in the browser: no Node built-ins, no Node-only packages, nothing of common/ but
//     common/browser/ (which the servers share; it holds to the same rules), never common/node/;
//   - map-server/ and producer/ do not import each other (they meet only on the bus, through common/);
//   - app/ wires the product (npm start, the two services) and nothing imports it but the tests and benches;
//   - common/ imports no part.
// Layout is Prettier's job (`npm run format`): eslint-config-prettier comes last and turns off every rule
// that would fight it.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The production dependencies the browser may load; every other one is taken as Node-only (a new dependency
 * stays out of the frontend until it is added here). Type-only packages (geojson, topojson-specification) are
 * not dependencies and are not restricted.
 */
const BROWSER_PACKAGES = new Set(['i18n-iso-countries', 'leaflet', 'topojson-client', 'typebox', 'world-atlas']);
const NODE_PACKAGES = Object.keys(JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8')).dependencies).filter(
  (name) => !BROWSER_PACKAGES.has(name),
);
const NODE_BUILTINS = new Set(builtinModules);

/** Where each part may not import from (import-x/no-restricted-paths zones, on resolved paths). */
const ZONES = [
  { target: './map-server', from: './producer', message: 'map-server/ and producer/ meet only on the bus: move shared code to common/.' },
  { target: './producer', from: './map-server', message: 'producer/ and map-server/ meet only on the bus: move shared code to common/.' },
  {
    target: './common',
    from: ['./app', './map-server', './producer', './frontend'],
    message: 'common/ is shared by every part and imports none of them.',
  },
  { target: ['./map-server', './producer', './frontend'], from: './app', message: 'app/ wires the parts; the parts do not import it.' },
];

/**
 * The browser code's zones: frontend/ imports only itself and common/browser/, and common/browser/ (which the
 * servers use too) imports nothing of common/node/.
 */
const BROWSER_ZONES = [
  {
    target: './frontend',
    from: ['./map-server', './producer', './common/node'],
    message: 'frontend/ runs in the browser: of common/ it may import only common/browser/.',
  },
  { target: './common/browser', from: './common/node', message: 'common/browser/ runs in the browser too: it may not import common/node/.' },
];

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export default defineConfig(
  {
    ignores: ['dist/', 'frontend/dist/', 'coverage/', 'node_modules/', '.cache/', 'tmp/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        // The tsconfig's own program (its include list is what is linted with types).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the imported modules too (for cycles): .ts with typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: an async function without await is how this code implements a Promise-returning interface
      // (a closed bus's publish, a test double's close) so that a throw becomes a rejection; dropping the
      // `async` to satisfy the rule would turn those rejections into synchronous throws.
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
    },
  },
  {
    // Tests and their helpers read JSON answers and log lines (`any`) and check them with expect(), which is
    // their type check; the no-unsafe-* rules guard the product code and the benches.
    files: ['**/*.test.ts', 'test/**/*.ts', 'map-server/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The browser code (frontend/ and common/browser/): the DOM, and nothing of Node. Their tests run on Node
    // under vitest and may compare the frontend with the server side's code; vite.config.ts is a Node script.
    files: ['frontend/**/*.ts', 'common/browser/**/*.ts'],
    ignores: ['**/*.test.ts', 'frontend/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...ZONES, ...BROWSER_ZONES] }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'This code runs in the browser: no Node built-ins.' },
            { regex: `^(${[...NODE_BUILTINS].map(escapeRegex).join('|')})(/.*)?$`, message: 'This code runs in the browser: no Node built-ins.' },
            { regex: `^(${NODE_PACKAGES.map(escapeRegex).join('|')})(/.*)?$`, message: 'This code runs in the browser: no Node-only packages.' },
          ],
        },
      ],
    },
  },
  {
    // kafkajs's values come from common/node/bus/kafkajs.ts, which loads it once its producers' grouping is
    // replaced (kafkajs-grouping.ts): a static import of the package would be hoisted above that in the bundle.
    files: ['**/*.ts'],
    ignores: ['frontend/**/*.ts', 'common/browser/**/*.ts', 'common/node/bus/kafkajs.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              allowTypeImports: true,
              message: "Take kafkajs's values from common/node/bus/kafkajs.ts (types may come from 'kafkajs').",
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (the build scripts, this file): outside the tsconfig, no types to check them against.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
