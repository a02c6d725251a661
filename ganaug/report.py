"""`python -m ganaug.report SWEEP_DIR [...]`: mean ± 95 % CI per configuration over seeds, paired to real-only runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganaug.evaluation.sweep_report import build_rows, find_runs, markdown, plot, plot_curve, to_csv
from ganaug.utils import results
from ganaug.utils.errors import UserError, exit_on_user_error
from ganaug.utils.files import atomic_write


def one_line_error(message: str) -> None:
    print(f"ganaug.report: error: {message}; see python -m ganaug.report --help", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ganaug.report", description=__doc__)
    parser.add_argument("sweeps", nargs="+", type=Path, help="Hydra multirun folders")
    parser.add_argument("--out", type=Path, help="where to write the report (default: the first sweep folder)")
    parser.add_argument("--curve", action="store_true",
                        help="also plot accuracy against real digits per class (learning_curve.png)")
    parser.error = lambda message: one_line_error(message)  # argparse's own error adds the usage: two lines
    args = parser.parse_args(argv)
    with exit_on_user_error("ganaug.report"):
        missing = [str(d) for d in args.sweeps if not d.is_dir()]
        if missing:
            raise UserError(f"no such folder: {', '.join(missing)}")
        runs, broken = find_runs(args.sweeps)
        if not runs:
            raise UserError(f"no complete run ({results.FILENAME}) under {', '.join(map(str, args.sweeps))}")
    rows = build_rows(runs)
    out = args.out or args.sweeps[0]
    text = markdown(rows, broken)
    atomic_write(out / "report.md", lambda tmp: tmp.write_text(text))
    atomic_write(out / "report.csv", lambda tmp: tmp.write_text(to_csv(rows)))
    plot(rows, out)
    if args.curve:
        plot_curve(rows, out)
    print(text + f"\nwritten to {out}: report.md report.csv accuracy_vs_ratio.png curves.png"
          + (" learning_curve.png" if args.curve else ""))


if __name__ == "__main__":
    main()
