"""Time the 5-page demo contract: prepared font vs plain WeasyPrint on the system font (issue 10).

    .venv/bin/python bench/contract_pdf.py               # 7 runs of each variant, medians
    .venv/bin/python bench/contract_pdf.py --runs 11
    .venv/bin/python bench/contract_pdf.py --fonttools   # also without HarfBuzz subsetting (slow)

Both sides print the same HTML (grants.pdf.contract.demo_contract_data → contract.html) in this
one process; only the font style sheet differs:

- contract: the prepared GB2312 TrueType subset (`flask fonts build`, built here when missing)
  first and the system "Noto Serif CJK SC" as fallback (the demo's 堃𠮷 need it);
- naive: "Noto Serif CJK SC" from the system's fonts-noto-cjk only, as plain WeasyPrint would;
- contract_common / naive_common: the same with an organisation name inside GB2312, the usual
  case, where the prepared side never loads the system font.

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

COMMON_NAME = "嘉兴市南湖区康乐社会工作服务中心"
# name -> (font mode, whether the organisation keeps its rare characters 堃𠮷)
VARIANTS = {
    "contract": ("prepared", True),
    "naive": ("system", True),
    "contract_common": ("prepared", False),
    "naive_common": ("system", False),
}


def contract_data(rare: bool) -> dict:
    data = demo_contract_data()
    if not rare:  # every character inside GB2312: the system font is never needed
        data["supplier"].update(name=COMMON_NAME, account_name=COMMON_NAME, legal_representative="陈坤")
    return data


def render_once(variant: str, font_dir: Path) -> tuple[float, float, bytes]:
    fonts, rare = VARIANTS[variant]
    wall, cpu = time.perf_counter(), time.process_time()
    html = render_html("contract.html", contract_context(contract_data(rare)))
    pdf = html_to_pdf(html, fonts=fonts, fetcher=PDFFetcher(font_dir))
    return time.perf_counter() - wall, time.process_time() - cpu, pdf


def describe(pdf: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = sorted({str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
                    for page in reader.pages for f in page["/Resources"]["/Font"].values()})
    return f"pages={len(reader.pages)} bytes={len(pdf)} fonts={','.join(fonts)}"


def measure(runs: int, font_dir: Path, label: str = "") -> dict[str, float]:
    """Wall-clock medians per variant (runs interleaved), with the details printed."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for name in VARIANTS:  # warm-up: imports, Pango and fontconfig start-up, not counted
        print(f"{label}{name:>15}: {describe(render_once(name, font_dir)[2])}")
    for _ in range(runs):
        for name in VARIANTS:
            wall, cpu, _pdf = render_once(name, font_dir)
            times[name].append((wall, cpu))
    medians = {}
    for name, rows in times.items():
        medians[name] = statistics.median(w for w, _ in rows)
        print(f"{label}{name:>15}: median wall {medians[name]:.3f} s, cpu {statistics.median(c for _, c in rows):.3f} s"
              f" (runs: {' '.join(f'{w:.2f}' for w, _ in rows)})")
    return medians


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
        slow = measure(max(1, args.runs // 3), args.font_dir, label="fontTools ")
        print(f"fontTools contract_s={slow['contract']:.3f} naive_s={slow['naive']:.3f} "
              f"common: contract_s={slow['contract_common']:.3f} naive_s={slow['naive_common']:.3f}")
        wp_fonts.harfbuzz_subset = saved

    medians = measure(args.runs, args.font_dir)
    print(f"without rare characters: contract_s={medians['contract_common']:.3f} "
          f"naive_s={medians['naive_common']:.3f} "
          f"speedup={medians['naive_common'] / medians['contract_common']:.2f}")
    contract_s, naive_s = medians["contract"], medians["naive"]
    print(f"contract_s={contract_s:.3f} naive_s={naive_s:.3f} speedup={naive_s / contract_s:.2f}")


if __name__ == "__main__":
    main()
