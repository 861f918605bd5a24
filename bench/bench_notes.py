"""Time to write and to build the full course notes (targets: write <= 3 s, PDF <= 30 s).

python bench/bench_notes.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

# measure this checkout, not whichever one the editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    t0 = time.perf_counter()
    from derive.catalogue import load
    from derive.notes import NoTeX, build_pdf, log_problems, notes_latex, notes_markdown

    cat = load()
    tex = notes_latex(cat)
    t_write = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        notes_markdown(cat, Path(tmp) / "md")
        t_md = time.perf_counter() - t1
        print(f"entries: {len(cat.entries)}; sections: {len(cat.sections)}")
        print(f"write LaTeX (load + verify + render): {t_write:.2f} s (target <= 3 s)")
        print(f"write Markdown pages:                 {t_md:.2f} s")
        try:
            t2 = time.perf_counter()
            log = build_pdf(tex, Path(tmp) / "notes.pdf")
            t_pdf = time.perf_counter() - t2
        except NoTeX as exc:
            print(f"PDF: skipped ({exc})")
            return
        size = (Path(tmp) / "notes.pdf").stat().st_size
        print(
            f"build PDF:                            {t_pdf:.2f} s (target <= 30 s), "
            f"{size // 1024} KiB, {len(log_problems(log))} log problems"
        )


if __name__ == "__main__":
    main()
