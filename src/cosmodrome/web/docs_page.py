"""The API reference page at ``/api/docs``, rendered on the server from the OpenAPI schema.

FastAPI's default Swagger UI loads its scripts from a CDN; this page needs nothing but the
schema, so the documentation works offline like the rest of the dashboard.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ info.title }} — API reference</title>
<link rel="stylesheet" href="/static/styles.css">
</head><body class="docs">
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">Cosmodrome</a>
<span class="muted">API reference · version {{ info.version }}</span></header>
<main id="main" class="docs-main">
<h1>{{ info.title }}</h1>
<p>{{ info.description }}</p>
<p>Machine-readable schema: <a href="/api/openapi.json">/api/openapi.json</a>.
Every error is JSON of one shape:
<code>{"error": {"type", "status", "message", "suggestions"}}</code>.
Catalog responses carry an <code>ETag</code> tied to the catalog version; send it back in
<code>If-None-Match</code> to get <code>304 Not Modified</code>.</p>
<nav aria-label="Endpoints"><ul class="toc">
{% for op in operations %}<li><a href="#{{ op.id }}"><code>{{ op.method }} {{ op.path }}</code></a> — {{ op.summary }}</li>
{% endfor %}</ul></nav>
{% for op in operations %}
<section class="endpoint" id="{{ op.id }}" aria-labelledby="{{ op.id }}-h">
<h2 id="{{ op.id }}-h"><code>{{ op.method }} {{ op.path }}</code></h2>
<p><strong>{{ op.summary }}</strong></p>
{% if op.description %}<div class="doc">{{ op.description }}</div>{% endif %}
{% if op.parameters %}
<div class="table-wrap" role="region" tabindex="0" aria-label="Parameters of {{ op.method }} {{ op.path }}"><table><caption class="sr-only">Parameters of {{ op.method }} {{ op.path }}</caption>
<thead><tr><th scope="col">parameter</th><th scope="col">in</th><th scope="col">type</th><th scope="col">default</th><th scope="col">meaning</th></tr></thead>
<tbody>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code>{% if p.required %} (required){% endif %}</td>
<td>{{ p.where }}</td><td>{{ p.type }}</td><td>{{ p.default }}</td><td>{{ p.description }}</td></tr>{% endfor %}</tbody></table></div>
{% endif %}
{% if op.body %}<p>Request body: <code>{{ op.body }}</code> (JSON).</p>{% endif %}
{% if op.example %}<p>Try: <a href="{{ op.example }}"><code>{{ op.example }}</code></a></p>{% endif %}
</section>
{% endfor %}
</main></body></html>
"""

_EXAMPLES = {
    "/api/launches": "/api/launches?site=Baikonur&from=2022-01-01&limit=5",
    "/api/sites": "/api/sites",
    "/api/sites/{name}": "/api/sites/Baikonur",
    "/api/vehicles": "/api/vehicles?name=Soyuz-2",
    "/api/organisations": "/api/organisations",
    "/api/meta": "/api/meta",
}


def _inline(text: str) -> Markup:
    """One paragraph of a docstring as HTML: ``code`` (reST) and `code` become <code>."""
    html = str(escape(" ".join(text.split())))
    html = re.sub(r"``(.+?)``", r"<code>\1</code>", html)
    html = re.sub(r"`([^`]+?)`", r"<code>\1</code>", html)
    return Markup(html)


def doc_html(text: str) -> Markup:
    """A route's docstring (reST-like) as paragraphs and bullet lists, never raw backticks.

    >>> str(doc_html("Launches from ``from``.\\n\\n* one\\n* two"))
    '<p>Launches from <code>from</code>.</p><ul><li>one</li><li>two</li></ul>'
    """
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if (
            lines
            and all(line.startswith(("* ", "- ")) or not line[:2].strip() for line in lines)
            and lines[0][:2] in ("* ", "- ")
        ):
            items: list[str] = []
            for line in lines:
                if line.startswith(("* ", "- ")):
                    items.append(line[2:])
                else:
                    items[-1] += " " + line
            parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        elif lines:
            parts.append(f"<p>{_inline(' '.join(lines))}</p>")
    return Markup("".join(parts))


def _type_of(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    return str(schema.get("type", "any"))


def render_docs(openapi: dict[str, Any]) -> str:
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": p.get("required", False),
                    "type": _type_of(p.get("schema", {})),
                    "default": p.get("schema", {}).get("default", ""),
                    "description": _inline(
                        p.get("description", p.get("schema", {}).get("description", ""))
                    ),
                }
                for p in op.get("parameters", [])
            ]
            body = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": doc_html(op.get("description", "")),
                    "parameters": params,
                    "body": body.get("$ref", "").rsplit("/", 1)[-1],
                    "example": _EXAMPLES.get(path) if method == "get" else None,
                }
            )
    env = Environment(autoescape=select_autoescape(default=True))
    return env.from_string(_TEMPLATE).render(info=openapi.get("info", {}), operations=operations)
