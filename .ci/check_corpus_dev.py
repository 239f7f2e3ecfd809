#!/usr/bin/env python3
"""Checks that need ../shared (real pages; never committed into the project).

1. `findings analyse` on corpus-dev: every page's kind, council, QS, theme, score and
   (summary pages) rating agree with manifest.json.
2. The same pages wrapped as saved HTML (site furniture around them), as Windows-1252
   HTML with a charset meta, as div-and-<br> markup, as text pasted with single newlines
   and as text hard-wrapped at 78 columns give the same sentences (text, section,
   paragraph) as their text.
"""
import csv, html, json, os, subprocess, sys, tempfile, textwrap

FINDINGS = sys.argv[1]
SHARED = sys.argv[2]
CORPUS = os.path.join(SHARED, "corpus-dev")

FURNITURE_TOP = """<!DOCTYPE html><html lang="en"><head>{meta}<title>{title} - Care Quality Commission</title>
<script>window.dataLayer=[];</script><style>body{{font-family:sans-serif}}</style></head><body>
<div id="cookie-banner" class="cookie-banner"><p>We use some essential cookies to make this service work.</p><button>Accept cookies</button></div>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a href="/">Care Quality Commission</a><nav><ul><li><a href="/">Home</a></li><li><a href="/services">Find services</a></li></ul></nav>
<form role="search"><input name="q"><button>Search</button></form></header>
<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/la">Local authority assessments</a></li></ol>
<main id="main"><article>"""
FURNITURE_BOTTOM = """</article><div class="page-updated"><p>Page last updated: 1 May 2025</p></div>
<div class="feedback"><h2>Is this page useful?</h2><button>Yes</button><button>No</button></div></main>
<footer class="site-footer"><p>&copy; Care Quality Commission</p><ul><li>Accessibility</li><li>Privacy</li></ul></footer>
<script>console.log('x')</script></body></html>"""


def blocks(text):
    return [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]


def as_semantic_html(text, meta):
    out = []
    for b in blocks(text):
        lines = b.split("\n")
        if all(l.strip().startswith("•") for l in lines if l.strip()) or lines[0].strip().startswith("•"):
            items, cur = [], []
            for l in lines:
                if l.strip().startswith("•"):
                    if cur:
                        items.append(" ".join(cur))
                    cur = [l.strip()[1:].strip()]
                else:
                    cur.append(l.strip())
            items.append(" ".join(cur))
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        elif len(b) < 120 and not b.rstrip().endswith((".", ":", "?", "!")):
            level = "h1" if b.endswith("local authority assessment") else "h2"
            out.append(f"<{level}>{html.escape(b)}</{level}>")
        else:
            out.append("<p>" + "<br>\n".join(html.escape(l) for l in lines) + "</p>")
    title = blocks(text)[0] if blocks(text) else ""
    return FURNITURE_TOP.format(meta=meta, title=html.escape(title)) + "\n".join(out) + FURNITURE_BOTTOM


def hard_wrapped(text):
    """Paragraphs wrapped at 78 columns, as text mail or editors save it."""
    out = []
    for b in text.split("\n\n"):
        if b.strip().startswith("•") or "\n  " in b:
            out.append(b)
        else:
            out.append(textwrap.fill(b.strip(), 78))
    return "\n\n".join(out) + "\n"


def as_div_br(text):
    body = "<br><br>\n".join("<br>".join(html.escape(l) for l in b.split("\n")) for b in blocks(text))
    return FURNITURE_TOP.format(meta='<meta charset="utf-8">', title="Report") + f"<div class=\"content\">{body}</div>" + FURNITURE_BOTTOM


def analyse(folder, out):
    r = subprocess.run([FINDINGS, "analyse", folder, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(f"analyse {folder} exited {r.returncode}")
    reports = {row["path"]: row for row in csv.DictReader(open(os.path.join(out, "reports.csv"), encoding="utf-8"))}
    sentences = {}
    for row in csv.DictReader(open(os.path.join(out, "sentences.csv"), encoding="utf-8")):
        sentences.setdefault(row["path"], []).append((row["section"], row["paragraph"], row["text"]))
    return reports, sentences


def rel(path, root):
    return os.path.splitext(os.path.relpath(path, root))[0]


def main():
    failures = []
    manifest = json.load(open(os.path.join(CORPUS, "manifest.json"), encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        reports, text_sentences = analyse(CORPUS, os.path.join(tmp, "out-text"))
        by_rel = {rel(p, CORPUS): r for p, r in reports.items()}
        for e in manifest:
            key = f"{e['council_slug']}/{e['page']}"
            row = by_rel.get(key)
            if row is None:
                failures.append(f"{key}: not in reports.csv")
                continue
            kind = {"summary": "summary", "overview": "overview"}.get(e["page"], "quality_statement")
            # A page with no title line (the manifest gives it no council) takes the council
            # its folder is named after, as the other pages of that folder name it.
            council = e["council"] or next(
                (o["council"] for o in manifest if o["council_slug"] == e["council_slug"] and o["council"]), "")
            want = {"kind": kind, "council": council, "quality_statement": e["quality_statement"] or "",
                    "theme": str(e["theme"] or ""), "score": str(e["score"] or ""), "overall_rating": e["overall_rating"] or ""}
            for k, v in want.items():
                if row[k] != v:
                    failures.append(f"{key}: {k} is {row[k]!r}, manifest says {v!r}")
        text_by_rel = {rel(p, CORPUS): s for p, s in text_sentences.items()}

        variants = {
            "text-single-newlines": lambda t: ("\n".join(l for l in t.split("\n") if l.strip()) + "\n").encode("utf-8"),
            "text-hard-wrapped": lambda t: hard_wrapped(t).encode("utf-8"),
            "html-utf8": lambda t: as_semantic_html(t, '<meta charset="utf-8">').encode("utf-8"),
            "html-cp1252": lambda t: as_semantic_html(t, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">').encode("cp1252", "xmlcharrefreplace"),
            "div-br": lambda t: as_div_br(t).encode("utf-8"),
        }
        for name, make in variants.items():
            root = os.path.join(tmp, name)
            for e in manifest:
                src = os.path.join(CORPUS, e["council_slug"], e["page"] + ".txt")
                ext = ".txt" if name.startswith("text") else ".html"
                dst = os.path.join(root, e["council_slug"], e["page"] + ext)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                open(dst, "wb").write(make(open(src, encoding="utf-8").read()))
            h_reports, h_sentences = analyse(root, os.path.join(tmp, "out-" + name))
            h_by_rel = {rel(p, root): s for p, s in h_sentences.items()}
            h_rep = {rel(p, root): r for p, r in h_reports.items()}
            for key, want in text_by_rel.items():
                got = h_by_rel.get(key, [])
                if [w[2] for w in want] != [g[2] for g in got]:
                    failures.append(f"{name} {key}: sentences differ from the text version ({len(got)} vs {len(want)})")
                elif want != got:
                    failures.append(f"{name} {key}: sections or paragraphs differ from the text version")
            for key, row in by_rel.items():
                h = h_rep.get(key)
                if h is None:
                    failures.append(f"{name} {key}: missing")
                    continue
                for k in ["kind", "council", "quality_statement", "theme", "score", "overall_rating", "overall_percent", "published"]:
                    if h[k] != row[k]:
                        failures.append(f"{name} {key}: {k} is {h[k]!r}, text gives {row[k]!r}")
    for f in failures:
        print("FAIL", f)
    print(f"corpus-dev checks: {len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
