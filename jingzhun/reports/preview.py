"""The web preview of a report: the default wording with each figure as a link to its drill-down."""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .builder import FIGURE_KEYS
from .docx import cn_label
from .wording import SECTIONS, Block, Items, ListSentence, Para, Table

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _link(entry: dict, shown: str | None = None) -> str:
    return format_html(
        '<a href="{}" class="jz-figure" data-figure="{}" title="{}">{}</a>',
        entry["url"],
        entry["no"],
        f"[{entry['no']}] {entry['name']}",
        shown if shown is not None else entry["value"],
    )


def _fill(text: str, content: dict, item: dict | None = None) -> str:
    """Escape the text; placeholders become figure links (figures, item values) or plain values."""
    out, pos = [], 0
    for m in PLACEHOLDER.finditer(text):
        out.append(escape(text[pos : m.start()]))
        key = m.group(1)
        if item is not None:
            value = item.get(key, "")
            if key == "value" and item.get("url") and item.get("no"):
                out.append(
                    _link(
                        {"url": item["url"], "no": item["no"], "name": item.get("name", ""), "value": value}
                    )
                )
            else:
                out.append(escape(str(value)))
        elif key in FIGURE_KEYS and key in content["n"]:
            out.append(_link(content["n"][key]))
        else:
            out.append(escape(str(content["ctx"].get(key, ""))))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _render_item(item, content: dict) -> list[str]:
    lists = content["lists"]
    if isinstance(item, Para):
        return [f"<p>{_fill(item.text, content)}</p>"]
    if isinstance(item, ListSentence):
        rows = lists.get(item.key) or []
        if not rows:
            return []
        inner = escape(item.sep).join(_fill(item.item, content, r) for r in rows)
        return [f"<p>{escape(item.prefix)}{inner}{escape(item.suffix)}</p>"]
    if isinstance(item, Items):
        rows = lists.get(item.key) or []
        if not rows:
            return [f"<p>{escape(item.empty)}</p>"] if item.empty else []
        out = []
        for r in rows:
            label = escape(cn_label(r["no"])) if item.numbered and r.get("no") else ""
            body = _fill(item.item, content, r)
            if r.get("url"):
                body += format_html(' <a href="{}" class="small">[明细]</a>', r["url"])
            out.append(f'<p data-testid="item-{item.key}">{label}{body}</p>')
        return out
    if isinstance(item, Block):
        return [f"<p>{escape(p)}</p>" for p in content["blocks"].get(item.key, [])]
    if isinstance(item, Table):
        rows = lists.get(item.key) or []
        if not rows:
            return []
        head = "".join(f"<th>{escape(h)}</th>" for h in item.headers)
        body = []
        for r in rows:
            cells = []
            for c in item.cells:
                url = r.get(f"{c}_url")
                value = escape(str(r.get(c, "")))
                cells.append(f'<td><a href="{escape(url)}">{value}</a></td>' if url else f"<td>{value}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return [
            f'<table class="table table-sm table-bordered"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        ]
    return []


def sections(content: dict) -> list[tuple[str, SafeString]]:
    out = []
    for heading, items in SECTIONS:
        html = []
        for item in items:
            html.extend(_render_item(item, content))
        out.append((heading, mark_safe("".join(html))))  # every piece is escaped above
    return out
