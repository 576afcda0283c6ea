// Two bundles from one source: the action (dist/index.js) and the CLI (dist/cli.js).
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

const plugins = () => [
  typescript({ tsconfig: 'tsconfig.build.json' }),
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json()
]

/** @type {import('rollup').RollupOptions['onwarn']} */
// CommonJS dependencies call require() at run time; an ES module has none of its own.
const requireShim =
  "import { createRequire as __memgateCreateRequire } from 'node:module'\nconst require = __memgateCreateRequire(import.meta.url)"

const onwarn = (warning, warn) => {
  // Dependencies (octokit, azure) use `this` at module top level and circular imports; both are harmless.
  if (['THIS_IS_UNDEFINED', 'CIRCULAR_DEPENDENCY', 'EVAL'].includes(warning.code)) return
  warn(warning)
}

/** @type {import('rollup').RollupOptions[]} */
const config = [
  {
    input: 'src/index.ts',
    output: {
      esModule: true,
      file: 'dist/index.js',
      format: 'es',
      sourcemap: false,
      inlineDynamicImports: true,
      banner: requireShim
    },
    plugins: plugins(),
    onwarn
  },
  {
    input: 'src/cli.ts',
    output: {
      esModule: true,
      file: 'dist/cli.js',
      format: 'es',
      sourcemap: false,
      inlineDynamicImports: true,
      banner: `#!/usr/bin/env node\n${requireShim}`
    },
    plugins: plugins(),
    onwarn
  }
]

export default config
