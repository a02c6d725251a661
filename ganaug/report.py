"""`python -m ganaug.report SWEEP_DIR [...]`: mean ± 95 % CI per configuration over seeds, paired to real-only runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganaug.evaluation.sweep_report import write_report
from ganaug.utils.errors import UserError, exit_on_user_error


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
        out = args.out or args.sweeps[0]
        text, _ = write_report(args.sweeps, out, args.curve)
    print(text + f"\nwritten to {out}: report.md report.csv accuracy_vs_ratio.png curves.png"
          + (" learning_curve.png" if args.curve else ""))


if __name__ == "__main__":
    main()
