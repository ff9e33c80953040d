"""Time the 5-page demo contract: prepared font vs plain WeasyPrint on the system font (issue 10).

    .venv/bin/python bench/contract_pdf.py               # 7 runs of each, medians
    .venv/bin/python bench/contract_pdf.py --runs 11
    .venv/bin/python bench/contract_pdf.py --fonttools   # also without HarfBuzz subsetting (slow)

Both sides print the same HTML (grants.pdf.contract.demo_contract_data → contract.html) in this
one process; only the font style sheet differs:

- contract: the prepared GB2312 TrueType subset (`flask fonts build`, built here when missing)
  first and the system "Noto Serif CJK SC" as fallback (the demo's 堃𠮷 need it);
- naive: "Noto Serif CJK SC" from the system's fonts-noto-cjk only, as plain WeasyPrint would.

Nothing is cached between runs: every run renders the Jinja template again and makes a new
FontConfiguration, CSS, HTML and document (WeasyPrint's image cache is per document). Runs
alternate between the two sides so a busy machine slows both alike. Wall-clock seconds; the CPU
seconds of this process are printed too (steadier when other jobs share the machine).
The last line is `contract_s=<median> naive_s=<median> speedup=<ratio>`.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.pdf import DEFAULT_FONT_DIR, PDFFetcher, html_to_pdf, render_html
from grants.pdf.contract import contract_context, demo_contract_data
from grants.pdf.fonts import build


def render_once(fonts: str, font_dir: Path) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time()
    html = render_html("contract.html", contract_context(demo_contract_data()))
    pdf = html_to_pdf(html, fonts=fonts, fetcher=PDFFetcher(font_dir))
    return time.perf_counter() - wall, time.process_time() - cpu, pdf


def describe(pdf: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = sorted({str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
                    for page in reader.pages for f in page["/Resources"]["/Font"].values()})
    return f"pages={len(reader.pages)} bytes={len(pdf)} fonts={','.join(fonts)}"


def measure(runs: int, font_dir: Path) -> dict[str, list[tuple[float, float]]]:
    times: dict[str, list[tuple[float, float]]] = {"prepared": [], "system": []}
    for fonts in list(times):  # warm-up: imports, Pango and fontconfig start-up, not counted
        print(f"{fonts:>8}: {describe(render_once(fonts, font_dir)[2])}")
    for _ in range(runs):
        for fonts in list(times):
            wall, cpu, _pdf = render_once(fonts, font_dir)
            times[fonts].append((wall, cpu))
    for fonts, rows in times.items():
        print(f"{fonts:>8}: wall " + " ".join(f"{w:.3f}" for w, _ in rows)
              + f" | cpu median {statistics.median(c for _, c in rows):.3f}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--font-dir", type=Path, default=DEFAULT_FONT_DIR)
    parser.add_argument("--fonttools", action="store_true",
                        help="also time both sides with fontTools subsetting instead of HarfBuzz")
    args = parser.parse_args()
    for item in build(args.font_dir):
        print(f"font {item.style}: {item.path} ({'built' if item.rebuilt else 'up to date'})")

    if args.fonttools:
        import logging

        import weasyprint.pdf.fonts as wp_fonts

        saved, wp_fonts.harfbuzz_subset = wp_fonts.harfbuzz_subset, None
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        print("without HarfBuzz subsetting (fontTools):")
        slow = measure(max(1, args.runs // 3), args.font_dir)
        print(f"fonttools contract_s={statistics.median(w for w, _ in slow['prepared']):.3f} "
              f"naive_s={statistics.median(w for w, _ in slow['system']):.3f}")
        wp_fonts.harfbuzz_subset = saved

    times = measure(args.runs, args.font_dir)
    contract_s = statistics.median(w for w, _ in times["prepared"])
    naive_s = statistics.median(w for w, _ in times["system"])
    print(f"contract_s={contract_s:.3f} naive_s={naive_s:.3f} speedup={naive_s / contract_s:.2f}")


if __name__ == "__main__":
    main()
