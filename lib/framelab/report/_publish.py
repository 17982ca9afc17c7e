"""Publishing a run: HTML exports of notebooks, the run's index page and its screenshot."""

from __future__ import annotations

import html as _html
import logging
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..outputs import atomic_path
from ..paths import DATA_DIR

__all__ = ["CHROMIUM_ARGS", "export_html", "write_index", "chromium_path", "screenshot_index"]

log = logging.getLogger(__name__)

#: nbconvert's lab template minus the scripts it would fetch from a CDN.
OFFLINE_TEMPLATE = DATA_DIR / "templates" / "offline.html.j2"


def export_html(executed: Path, html_dir: Path) -> list[Path]:
    """Write ``<stem>.html`` (with code) and ``<stem>.reader.html`` (without) for a notebook."""
    import nbformat  # imported here: they take seconds, and only exporting needs them
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    written = []
    for suffix, exclude in (("", False), (".reader", True)):
        exporter = HTMLExporter(template_file=str(OFFLINE_TEMPLATE), exclude_input=exclude,
                                exclude_input_prompt=exclude, exclude_output_prompt=exclude)
        body, _ = exporter.from_notebook_node(nb)
        path = html_dir / f"{executed.stem}{suffix}.html"
        with atomic_path(path) as tmp:
            tmp.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def write_index(run_dir: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``index.html``: links to every notebook's HTML, figure, table and the manifest."""
    def link(rel: str, text: str | None = None) -> str:
        return f'<a href="{_html.escape(rel)}">{_html.escape(text or rel)}</a>'

    entries = [*manifest.get("reused", {}).get("entries", []), *manifest["notebooks"]]
    entries.sort(key=lambda e: e["name"])
    rows = []
    for entry in entries:
        pages = [link(f"html/{entry['name']}.reader.html", "report"),
                 link(f"html/{entry['name']}.html", "with code"),
                 link(f"notebooks/{entry['name']}.ipynb", "notebook")]
        status = entry["status"] + (f" from {entry['reused_from']}"
                                    if entry.get("reused_from") else "")
        rows.append(f"<tr><td>{_html.escape(entry['name'])}</td><td>{' · '.join(pages)}</td>"
                    f"<td>{_html.escape(status)}</td><td>{entry.get('seconds', '')}</td>"
                    f"<td>{entry.get('peak_rss_mb', '')}</td></tr>")
    figures = sorted((run_dir / "figures").glob("*.png"))
    cards = []
    for png in figures:
        stem = png.stem
        caption = png.with_suffix(".txt")
        text = caption.read_text(encoding="utf-8").strip() if caption.is_file() else ""
        formats = " · ".join(link(f"figures/{stem}.{ext}", ext) for ext in ("pdf", "svg", "png")
                             if (run_dir / "figures" / f"{stem}.{ext}").is_file())
        cards.append(f'<figure><a href="figures/{_html.escape(png.name)}"><img src="figures/'
                     f'{_html.escape(png.name)}" alt="{_html.escape(stem)}" loading="lazy">'
                     f"</a><figcaption><b>{_html.escape(stem)}</b> ({formats})<br>"
                     f"{_html.escape(text)}</figcaption></figure>")
    others = sorted(p for p in (run_dir / "figures").glob("*.html"))
    tables = sorted((run_dir / "tables").glob("*.csv"))
    table_items = "".join(
        f"<li>{link(f'tables/{t.name}', t.stem)} ({link(f'tables/{t.stem}.tex', 'LaTeX')})</li>"
        if t.with_suffix(".tex").is_file() else f"<li>{link(f'tables/{t.name}', t.stem)}</li>"
        for t in tables)
    corpus = manifest.get("inputs", {}).get("corpus", {})
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>framelab run {_html.escape(manifest['run_id'])}</title>
<style>
body {{ font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 2em; max-width: 75em; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .3em .8em; border-bottom: 1px solid #ddd; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(22em, 1fr)); gap: 1.2em; }}
figure {{ margin: 0; }} img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ font-size: .85em; }}
</style></head><body>
<h1>framelab run {_html.escape(manifest['run_id'])}</h1>
<p>Status: <b>{_html.escape(str(manifest.get('status')))}</b> ·
started {_html.escape(str(manifest.get('started', '')))} ·
corpus <code>{_html.escape(str(corpus.get('path', '')))}</code>
({len(corpus.get('sha256', {}))} file(s) hashed) ·
git {_html.escape(str(manifest.get('git', {}).get('commit')))} ·
{link('manifest.json')}</p>
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>pages</th><th>status</th><th>seconds</th>
<th title="largest resident memory of the notebook's kernel process (or a process it
started), sampled every 0.5 s">peak MB</th></tr>
{''.join(rows)}</table>
<h2>Figures</h2>
<div class="grid">{''.join(cards)}</div>
{('<h2>Interactive views</h2><ul>' + ''.join(f'<li>{link("figures/" + p.name, p.stem)}</li>' for p in others) + '</ul>') if others else ''}
<h2>Tables</h2>
<ul>{table_items}</ul>
</body></html>
"""
    path = run_dir / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def chromium_path() -> str | None:
    """Path of a Chromium binary usable headless, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def screenshot_index(run_dir: Path) -> str | None:
    """Save ``index.png``, a screenshot of the index page, when Chromium is available."""
    binary = chromium_path()
    if binary is None:
        log.info("no chromium: skipping the screenshot of index.html")
        return None
    target = run_dir / "index.png"
    try:
        with atomic_path(target) as tmp:
            subprocess.run([binary, *CHROMIUM_ARGS, f"--screenshot={tmp}",
                            "--window-size=1280,1600", "--hide-scrollbars",
                            f"--user-data-dir={run_dir / '.chromium'}",
                            (run_dir / "index.html").as_uri()],
                           capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as err:
        log.warning("screenshot of index.html failed: %s", err)
        return None
    finally:
        shutil.rmtree(run_dir / ".chromium", ignore_errors=True)
    return target.name
