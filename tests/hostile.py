"""Markup, script and template payloads that configured text must survive as plain text."""

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "'><svg/onload=alert(1)>",
    "</title><script>alert(1)</script>", "</textarea><script>alert(1)</script>", "</script><script>alert(1)</script>",
    '<iframe src="javascript:alert(1)"></iframe>', '<a href="javascript:alert(1)">x</a>', "{{ 7*7 }} {{ config }}",
    "{% for x in range(3) %}x{% endfor %}", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>body{display:none}</style>", "<!-- c --><b>bold</b>", "<![CDATA[<script>alert(1)</script>]]>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">', '<base href="https://evil.example/">',
    '<form action="https://evil.example"><button>Opt out</button></form>', "<input autofocus onfocus=alert(1)>",
    '" onmouseover="alert(1)', "' onmouseover='alert(1)", "`onmouseover=alert(1)`", "<scr<script>ipt>alert(1)</script>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e", "<details open ontoggle=alert(1)>", "${alert(1)}",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "<link rel=stylesheet href=https://evil.example/>",
    "\u202e<b>reversed</b>\u200b{agency}",
]
