// Builds banner.min.js: banner.css minified into src/banner.mjs, which is then bundled and minified (renamed).
// Run with `npm run build` here, or `make banner`; tests/banner/test_build.py fails when the result is stale.
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const output = process.argv[2] || join(here, 'banner.min.js')
// ES2022 (private class members, which the minifier renames): every browser with shadow DOM in use today.
const target = 'es2022'

const css = await transform(await readFile(join(here, 'banner.css'), 'utf8'), { loader: 'css', minify: true, target })
const result = await build({
  entryPoints: [join(here, 'src', 'banner.mjs')],
  bundle: true,
  format: 'iife',
  minify: true,
  target,
  charset: 'utf8',
  legalComments: 'none',
  define: { BANNER_CSS: JSON.stringify(css.code.trim()) },
  write: false,
})
await writeFile(output, result.outputFiles[0].text)
