// Builds banner.min.js and embeds.min.js: each module's stylesheet (banner.css, embeds.css) minified into its
// source (src/banner.mjs, src/embeds.mjs), which is then bundled and minified (renamed).
// Run with `npm run build` here, or `make banner`; tests/banner/test_build.py fails when a result is stale.
// With a folder as argument (the test's), both files are written there instead of here.
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const folder = process.argv[2] || here
// ES2022 (private class members, which the minifier renames): every browser with shadow DOM in use today.
const target = 'es2022'

/**
 * Bundle one module with its minified stylesheet as the named constant, and write it as NAME.min.js.
 * @param {string} name - banner or embeds
 * @param {string} constant - the global the source reads its styles from
 */
async function buildModule (name, constant) {
  const css = await transform(await readFile(join(here, `${name}.css`), 'utf8'), { loader: 'css', minify: true, target })
  const result = await build({
    entryPoints: [join(here, 'src', `${name}.mjs`)],
    bundle: true,
    format: 'iife',
    minify: true,
    target,
    charset: 'utf8',
    legalComments: 'none',
    define: { [constant]: JSON.stringify(css.code.trim()) },
    write: false,
  })
  await writeFile(join(folder, `${name}.min.js`), result.outputFiles[0].text)
}

await buildModule('banner', 'BANNER_CSS')
await buildModule('embeds', 'EMBEDS_CSS')
