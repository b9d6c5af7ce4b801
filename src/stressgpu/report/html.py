"""``report.html``: a run (or a sweep) on one self-contained page — tables, the story, every plot
inline (base64 PNG), the configuration and the data checksum — opened from the run directory with
no server. Numbers that checks compare with ``summary.json`` carry ``data-key`` (the summary
entry) and ``data-value`` (its exact value) attributes."""
from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from .output import dump_json
from .tables import NUMBER

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2rem auto;max-width:72rem;
     padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1.1rem} .sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem} th,td{padding:.25rem .6rem;border-bottom:1px solid #eee}
th{text-align:left;background:#f5f5f5} td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.88rem;margin:.2rem 0} figure{margin:1rem 0} figure img{max-width:100%;border:1px solid #eee}
figcaption{color:#555;font-size:.88rem} pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.8rem}
details{margin:.5rem 0}
"""


def _num(text: str) -> bool:
    return bool(text) and NUMBER.match(text) is not None


def table_html(table: dict, summ: dict) -> str:
    """A table of :func:`stressgpu.report.tables.answer_tables` as HTML."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table["columns"])
    body = []
    for row in table["rows"]:
        cells = []
        for text, key in row:
            attrs = ' class="num"' if _num(text) else ""
            if key and key in summ and isinstance(summ[key], (int, float)):
                attrs += f' data-key="{html.escape(key)}" data-value="{summ[key]!r}"'
            elif key:
                attrs += f' data-key="{html.escape(key)}"'
            cells.append(f"<td{attrs}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in table.get("notes", []))
    return (f"<h3>{html.escape(table['title'])}</h3><table><thead><tr>{head}</tr></thead><tbody>"
            + "".join(body) + f"</tbody></table>{notes}")


def frame_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    """A data frame as an HTML table (numbers with one decimal, probabilities as they are)."""
    def fmt(x) -> str:
        if isinstance(x, float):
            return "" if x != x else (f"{x:,.3f}" if abs(x) < 1 else f"{x:,.1f}")
        return str(x)

    return df.head(max_rows).to_html(index=False, border=0, na_rep="", formatters={c: fmt for c in df.columns},
                                     escape=True)


def image_html(path: Path, caption: str = "") -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (f'<figure><img alt="{html.escape(path.name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption or path.name)}</figcaption></figure>")


def page(title: str, subtitle: str, sections: list[tuple[str, str]]) -> str:
    """The whole page; ``sections`` (heading, HTML body)."""
    parts = [f"<section><h2>{html.escape(h)}</h2>{body}</section>" if h else body for h, body in sections]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1><p class=\"sub\">{html.escape(subtitle)}</p>"
            + "\n".join(parts) + "</body></html>\n")


def run_page(out: Path, report, *, config_yaml: str, checksum_line: str, captions: dict | None = None) -> str:
    """The page of one run: the answer's tables, the story, every plot, the terminal text, the
    configuration, the data checksum and summary.json."""
    summ = report.summary
    from .story import blocks, to_html   # the story's blocks, rendered here as HTML

    sections = []
    if report.page_tables:
        sections.append(("The answer", "".join(table_html(t, summ) for t in report.page_tables)))
    if report.story:
        sections.append(("The chain of events", to_html(blocks(summ, report.title or ""))))
    figs = [image_html(out / name, (captions or {}).get(name, "")) for name in report.plots if (out / name).is_file()]
    if figs:
        sections.append(("Plots", "".join(figs)))
    if report.text:
        sections.append(("Terminal output", f"<pre>{html.escape(report.text)}</pre>"))
    files = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    sections.append(("Run", f'<p class="note">Data checksum: <code data-key="data_checksum">'
                            f'{html.escape(str(summ.get("data_checksum", "")))}</code> '
                            f"({html.escape(checksum_line.strip())})</p>"
                            f"<p class=\"note\">Files in this run directory: {html.escape(', '.join(files))}</p>"
                            f"<details><summary>Configuration (config_resolved.yaml)</summary><pre>"
                            f"{html.escape(config_yaml)}</pre></details>"
                            f"<details><summary>summary.json</summary><pre>{html.escape(dump_json(summ))}</pre></details>"))
    mode = summ.get("mode", "")
    sub = f"stressgpu {mode} run — {out}".replace("  ", " ")
    return page(f"stressgpu: {report.title}" if report.title else "stressgpu run", sub, sections)
