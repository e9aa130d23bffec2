// `npm run lint`: typescript-eslint with type information (the tsconfig's own program, through the project
// service), import cycles, and the boundaries between the parts of trendmap:
//   - frontend/ runs in the browser: no Node built-ins, no Node-only packages, no Node-only module of common/;
//   - map-server/ and producer/ do not import each other (they meet only on the bus, through common/);
//   - app/ wires the product (npm start, the two services) and nothing imports it but the tests and benches;
//   - common/ imports no part.
// Layout is Prettier's job (`npm run format`): eslint-config-prettier comes last and turns off every rule
// that would fight it.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
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

/** The package an import names (`@scope/name` or `name`), or null for a relative import. */
function packageOf(specifier) {
  if (specifier.startsWith('.')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNodeSpecifier(specifier) {
  const name = packageOf(specifier);
  return name !== null && (name.startsWith('node:') || NODE_BUILTINS.has(name) || NODE_PACKAGES.includes(name));
}

/**
 * The modules of common/ that only run on Node: those that import a Node built-in or a Node-only package,
 * directly or through another module of common/ (config.ts through cli-flags.ts, event.ts through hashtag.ts
 * and its twitter-text). Worked out from the sources on each run, so a module that gains a Node import, or
 * moves, is covered without editing this file. Paths from the repository root, e.g. `common/src/log.ts`.
 */
function nodeOnlyModules(dir) {
  const root = import.meta.dirname;
  const files = readdirSync(join(root, dir), { recursive: true })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(dir, file));
  const importsOf = new Map(
    files.map((file) => {
      const source = readFileSync(join(root, file), 'utf8');
      const specifiers = [
        ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm),
      ].map((m) => m[1] ?? m[2] ?? m[3]);
      return [file, specifiers];
    }),
  );
  const nodeOnly = new Set(files.filter((file) => importsOf.get(file).some(isNodeSpecifier)));
  for (let grew = true; grew;) {
    grew = false;
    for (const file of files) {
      if (nodeOnly.has(file)) continue;
      const local = importsOf.get(file).filter((specifier) => specifier.startsWith('.'));
      if (local.some((specifier) => nodeOnly.has(join(dirname(file), `${specifier}.ts`)))) {
        nodeOnly.add(file);
        grew = true;
      }
    }
  }
  return [...nodeOnly].sort();
}

const NODE_ONLY_COMMON = nodeOnlyModules('common');

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

/** The browser code's own zone: frontend/ imports only itself and the browser-safe modules of common/. */
const BROWSER_ZONE = {
  target: './frontend',
  from: ['./map-server', './producer', ...NODE_ONLY_COMMON.map((path) => `./${path}`)],
  message: 'frontend/ runs in the browser: it may import only the browser-safe modules of common/.',
};

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
    // The browser code: the DOM, and nothing of Node. Its tests run on Node under vitest and may compare the
    // frontend with the server side's code; vite.config.ts is a Node script.
    files: ['frontend/**/*.ts'],
    ignores: ['frontend/**/*.test.ts', 'frontend/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...ZONES, BROWSER_ZONE] }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'frontend/ runs in the browser: no Node built-ins.' },
            { regex: `^(${[...NODE_BUILTINS].map(escapeRegex).join('|')})(/.*)?$`, message: 'frontend/ runs in the browser: no Node built-ins.' },
            { regex: `^(${NODE_PACKAGES.map(escapeRegex).join('|')})(/.*)?$`, message: 'frontend/ runs in the browser: no Node-only packages.' },
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
