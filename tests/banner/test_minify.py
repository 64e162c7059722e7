"""minify.py: smaller banner.js and banner.css without changing what they do."""

import shutil
import subprocess

import pytest

from consent_banner.minify import MinifyError
from consent_banner.minify import minify_css
from consent_banner.minify import minify_js
from consent_banner.minify import tokens

# A program exercising what the minifier must not break; it prints one line per check.
PROGRAM = r"""
// a comment with 'quotes' and /slashes/
const a = 10, b = 2, s = '/* not a comment */ // nor this';
const re = /[/\]]+\/x/g, half = a / b / 1;
let i = 1;
console.log(s, half, 'x/y/]z'.replace(re, '#'), a - -b, a + +b, i++ + ++i);
function f() {
  return /^ok$/.test('ok') ? 'yes' : 'no';
}
console.log(f(), typeof /x/, [1, 2].map(n => n * 2).join());
const g = () => {
  return
    'unreachable';
};
console.log(String(g()));
"""


def node_run(source):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run the JavaScript")
    result = subprocess.run([node, "-e", source], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_minified_program_behaves_the_same():
    small = minify_js(PROGRAM)
    assert len(small) < len(PROGRAM) * 0.8
    assert node_run(small) == node_run(PROGRAM)


def test_regex_and_division_are_told_apart():
    kinds = [kind for kind, _ in tokens("x = a / b; y = (/a\\/b/).test(z)") if kind in ("regex", "other")]
    assert kinds.count("regex") == 1


def test_strings_and_regexes_are_kept_verbatim():
    source = "f('a  //  b', \"/* c */\", /[ ]{2}\\/ /);"
    assert minify_js(source) == source.replace(", ", ",")


def test_line_break_after_return_is_kept():
    assert minify_js("return\nx;") == "return\nx;"


def test_spaces_between_words_and_plus_signs_are_kept():
    assert minify_js("typeof  x; a + +b; c - -d; e = f ;") == "typeof x;a+ +b;c- -d;e=f;"


def test_template_literals_are_refused():
    with pytest.raises(MinifyError):
        minify_js("const t = `x${1}`;")


def test_css_keeps_values_that_need_spaces():
    css = "/* c */\nsection{transform:translateY(calc(100% - 100vh));\n  font: 16px/1.5 a, b ;}\n"
    assert minify_css(css) == "section{transform:translateY(calc(100% - 100vh));font: 16px/1.5 a,b}"
