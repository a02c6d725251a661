"""A sweep's results as a report: runs grouped into configurations, mean ± 95 % CI over seeds, each run's gain over
its paired real-only control, paired differences to the real-only configurations of the sweep, the answer in
words, and the report's markdown, CSV and plots. Validation accuracy is what a choice reads; test accuracy is
reported, never chosen on."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from omegaconf import OmegaConf

from ganaug.evaluation.statistics import Summary, summarize
from ganaug.evaluation.sweep_plots import plot, plot_curve
from ganaug.utils import results
from ganaug.utils.errors import UserError
from ganaug.utils.files import atomic_write

PAPER_EPOCHS = (20, 80, 140, 220, 300)
GAN_COLUMNS = ("diversity_min", "label_fidelity", "near_copy_rate", "fid", "cas")
GAN_KEYS = ("gan=", "gan.")  # overrides that change only runs that use a generator
# Overrides that are already columns of the report, or that only identify the run (a folder's split seed is
# pooled like the seed: another draw of the same comparison).
_KNOWN = {"experiment", "seed", "augment.ratio", "augment.fake_labels", "data.n_per_class", "data", "hydra.sweep.dir",
          "paths.root", "threads", "data.split_seed", "hparams_search"}


def find_runs(dirs: list[Path]) -> tuple[list[dict], list[tuple[Path, str]]]:
    """Complete runs' metrics (each with `swept`: other overrides) and the run folders that are not complete."""
    complete, broken = [], []
    for directory in dirs:
        for hydra_dir in sorted(directory.rglob(".hydra")):
            run_dir = hydra_dir.parent
            metrics = results.finished(run_dir)
            if metrics is None:
                broken.append((run_dir, results.why_not_finished(run_dir)))
                continue
            overrides = OmegaConf.load(hydra_dir / "overrides.yaml") if (hydra_dir / "overrides.yaml").exists() else []
            pairs = (str(o).lstrip("+~").split("=", 1) for o in overrides)
            generated = results.used_generator(metrics)
            # GAN settings swept over a real-only run too do not change it: left out, it pairs with the runs that used them
            swept = [f"{k}={v}" for k, v in sorted(pairs) if k not in _KNOWN]
            metrics["swept"] = ",".join(pair for pair in swept if generated or not pair.startswith(GAN_KEYS))
            metrics["fakes"] = results.fakes_labelled(metrics.get("fake_labels")) if generated else ""
            metrics["overrides"] = [str(o) for o in overrides]
            complete.append(metrics)
    return complete, broken


def config_of(m: dict) -> tuple:
    return (m["experiment"], m["ratio"], m["n_per_class"], m["data"], m["swept"], m["fakes"])


REFERENCES = ("baseline", "classic")  # each configuration is compared, seed by seed, with these


def reference_of(config: tuple, experiment: str) -> tuple:
    """The real-only configuration `experiment` with the same data and the same swept values that it uses.

    GAN and augmentation settings do not change a real-only run, so they are left out of the match.
    """
    _, _, n, data, swept, _ = config
    kept = [pair for pair in swept.split(",") if pair and not pair.startswith((*GAN_KEYS, "augment."))]
    return (experiment, 0.0, n, data, ",".join(kept), "")


def draw(m: dict) -> tuple:
    """What a run drew: its seed and, for a folder split into training and test images, the split's seed."""
    return m["seed"], m.get("config", {}).get("data", {}).get("split_seed")


def paired_difference(members: list[dict], reference: list[dict]) -> Summary | None:
    """Summary of test accuracy minus the reference's on the same draws (seed and split); None if none is shared."""
    by_draw = {draw(m): m["test_acc"] for m in reference}
    diffs = [m["test_acc"] - by_draw[draw(m)] for m in members if draw(m) in by_draw]
    return summarize(diffs) if diffs else None


def format_difference(d: Summary | None) -> str:
    if d is None:
        return ""
    return f"{100 * d.mean:+.2f} ± {pct(d.ci95)} (n={d.n})" if d.n > 1 else f"{100 * d.mean:+.2f} (n=1)"


def pct(x: float) -> str:
    return f"{100 * x:.2f}"


def pm(s: Summary) -> str:
    return f"{pct(s.mean)} ± {pct(s.ci95)}" if s.n > 1 else pct(s.mean)


def build_rows(runs: list[dict]) -> list[dict]:
    """One row per configuration with the statistics of the report."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in runs:
        groups[config_of(m)].append(m)
    rows = []
    for config in sorted(groups, key=lambda config: [(value is None, "" if value is None else value) for value in config]):
        members = groups[config]
        test = summarize([m["test_acc"] for m in members])
        gain = summary_of(members, "gain")
        row = {
            "experiment": config[0], "ratio": config[1], "n_per_class": config[2], "data": config[3],
            "swept": config[4], "fakes": config[5], "n": test.n, "test_mean": test.mean, "test_std": test.std, "test_ci95": test.ci95,
            "val_mean": mean_of(members, "val_acc"), "gain": gain, "gain_mean": gain and gain.mean,
            "gain_ci95": gain and gain.ci95, "gain_n": gain.n if gain else 0, "val_gain": summary_of(members, "val_gain"),
            "val_gain_mean": mean_of(members, "val_gain"),
            "train_mean": summarize([m["train_acc"] for m in members]).mean,
            **{f"{k}_mean": mean_of(members, k) for k in GAN_COLUMNS},
            "collapsed": sum(bool(m.get("gan_collapsed")) for m in members),
            "summary": test,
        }
        for ref in REFERENCES:
            diff = None if config[0] == ref else paired_difference(members, groups.get(reference_of(config, ref), []))
            row.update({f"vs_{ref}": diff, f"vs_{ref}_mean": diff and diff.mean, f"vs_{ref}_ci95": diff and diff.ci95,
                        f"vs_{ref}_n": diff.n if diff else 0})
        for epoch in PAPER_EPOCHS:
            for split in ("train", "val"):
                values = [curve_value(h, split) for m in members for h in m.get("curve", []) if h["epoch"] == epoch]
                row[f"{split}@{epoch}"] = sum(values) / len(values) if values else None
        row["curve"] = mean_curve(members)
        row["label"] = label(row)
        rows.append(row)
    return rows


def curve_value(point: dict, split: str) -> float:
    """A curve point's `train` or `val` accuracy (runs made before the validation split logged held-out test
    accuracy there instead)."""
    return point["train_acc"] if split == "train" else point.get("val_acc", point.get("test_acc"))


def summary_of(members: list[dict], key: str) -> Summary | None:
    """Summary of `key` over the runs that have it; None when none has."""
    values = [m[key] for m in members if m.get(key) is not None]
    return summarize(values) if values else None


def mean_of(members: list[dict], key: str) -> float | None:
    """Mean of `key` over the runs that have it (GAN measures exist only where a GAN was used)."""
    values = [m[key] for m in members if m.get(key) is not None]
    return sum(values) / len(values) if values else None


def mean_curve(members: list[dict]) -> list[tuple[int, float]]:
    """(epoch, mean validation accuracy) over the runs that evaluated that epoch."""
    by_epoch: dict[int, list[float]] = defaultdict(list)
    for m in members:
        for h in m.get("curve", []):
            by_epoch[h["epoch"]].append(curve_value(h, "val"))
    return [(e, sum(v) / len(v)) for e, v in sorted(by_epoch.items())]


def label(row: dict) -> str:
    parts = [row["experiment"]]
    if row["fakes"]:
        parts.append(f"ratio={row['ratio']:g} {row['fakes']}")
    parts.append(f"n={'all' if row['n_per_class'] is None else row['n_per_class']}")
    if row["swept"]:
        parts.append(row["swept"])
    return " ".join(parts)


def verdict(row: dict) -> str | None:
    """Whether the fakes of a configuration helped, in one sentence, from the paired gains over its control; None
    for a configuration without fakes or without controls."""
    gain: Summary | None = row["gain"]
    if gain is None:
        return None
    if gain.n < 2:
        return (f"{label(row)}: {100 * gain.mean:+.2f} points of test accuracy over its paired control, one seed: no "
                f"interval; run more seeds (-m seed=0,1,2,3,4) to tell")
    if gain.low > 0:
        word = "the fakes helped"
    elif gain.high < 0:
        word = "the fakes hurt"
    else:
        word = "no detectable effect of the fakes (the interval holds 0)"
    return (f"{label(row)}: {word}: {100 * gain.mean:+.2f} ± {pct(gain.ci95)} points of test accuracy over the paired "
            f"real-only control ({gain.n} seeds, 95 % CI)")


def trial_settings(m: dict) -> str:
    """The settings a search's trial ran with, as they go on a command line."""
    return " ".join(o for o in m["overrides"]
                    if not o.startswith(("hydra", "paths", "seed=", "hparams_search=", "experiment=")))


def search_report(runs: list[dict], metric: str, broken: list[tuple[Path, str]]) -> tuple[str, str]:
    """A search's report and summary: its trials by their validation measure `metric`, best first, and the test
    result of the chosen one only, read once and marked as such."""
    scored = sorted((m for m in runs if m.get(metric) is not None and m[metric] == m[metric]),
                    key=lambda m: m[metric], reverse=True)
    unit = "points" if "gain" in metric else "%"
    if not scored:
        chosen = f"no finished trial has {metric}: nothing was chosen"
    else:
        best = scored[0]
        gain = f", gain over its paired control {100 * best['gain']:+.2f} points" if "gain" in best else ""
        chosen = (f"chosen on validation ({metric} {100 * best[metric]:+.2f} {unit}, best of {len(scored)} trials, "
                  f"seed {best['seed']}): {trial_settings(best)}. Test result of the chosen setting, read once: "
                  f"test_acc {pct(best['test_acc'])} %{gain}. Confirm it on new draws: python -m ganaug.train "
                  f"experiment={best['experiment']} {trial_settings(best)} -m seed=101,102,103,104,105")
    lines = ["## The answer", "", f"- {chosen}", "", f"Trials by {metric} (validation; their test results are not "
             "read), best first:", "", f"| settings | seed | {metric} ({unit}) | val acc % |", "| --- | --- | --- | --- |"]
    lines += [f"| {trial_settings(m)} | {m['seed']} | {100 * m[metric]:+.2f} | {pct(m['val_acc'])} |" for m in scored]
    if broken:
        lines += ["", "Trials not included:", ""] + [f"- `{path}`: {why}" for path, why in broken]
    summary = "\n".join([f"{len(scored)} trials; {chosen}"] + [f"not included: {p} ({why})" for p, why in broken])
    return "\n".join(lines) + "\n", summary


def markdown(rows: list[dict], broken: list[tuple[Path, str]]) -> str:
    answers = [v for v in map(verdict, rows) if v]
    lines = ["## The answer", ""] + [f"- {line}" for line in answers] + [""] if answers else []
    lines += [
        "Accuracies in %; validation is what a choice reads, test is reported. Gains and differences in points, "
        "paired seed by seed.",
        "",
        "| configuration | runs | val acc % | gain over paired control (validation) | test acc % (mean ± 95% CI) "
        "| gain over paired control (test) "
        "| vs baseline, paired (points ± 95% CI) | vs classic, paired | std | train acc % | diversity min "
        "| label fidelity | near-copies | FID | CAS | collapsed runs |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        diffs = " | ".join(format_difference(r[f"vs_{ref}"]) for ref in REFERENCES)
        std = pct(r["test_std"]) if r["n"] > 1 else ""
        val = "" if r["val_mean"] is None else pct(r["val_mean"])
        gan = " | ".join("" if r[f"{k}_mean"] is None else f"{r[f'{k}_mean']:.2f}" for k in GAN_COLUMNS)
        collapsed = str(r["collapsed"]) if r["diversity_min_mean"] is not None else ""
        lines.append(f"| {label(r)} | {r['n']} | {val} | {format_difference(r['val_gain'])} | {pm(r['summary'])} "
                     f"| {format_difference(r['gain'])} | {diffs} "
                     f"| {std} | {pct(r['train_mean'])} | {gan} | {collapsed} |")
    lines += ["", "Train / validation accuracy % at the study's epochs, mean over seeds:", ""]
    lines.append("| configuration | " + " | ".join(f"epoch {e}" for e in PAPER_EPOCHS) + " |")
    lines.append("| --- |" + " --- |" * len(PAPER_EPOCHS))
    for r in rows:
        cells = [
            f"{pct(r[f'train@{e}'])} / {pct(r[f'val@{e}'])}" if r[f"val@{e}"] is not None else "–"
            for e in PAPER_EPOCHS
        ]
        lines.append(f"| {label(r)} | " + " | ".join(cells) + " |")
    if broken:
        lines += ["", "Runs not included:", ""] + [f"- `{path}`: {why}" for path, why in broken]
    return "\n".join(lines) + "\n"


def short_summary(rows: list[dict], broken: list[tuple[Path, str]]) -> str:
    """A few lines for the terminal: per configuration its test accuracy and gains, the answer, the runs left out."""
    lines = []
    for r in rows:
        parts = [f"test {pm(r['summary'])} %"]
        if r["gain"] is not None:
            parts.append(f"gain over paired control {format_difference(r['gain'])}")
        if r["val_gain"] is not None:
            parts.append(f"on validation {format_difference(r['val_gain'])}")
        if r["vs_classic"] is not None:
            parts.append(f"vs classic {format_difference(r['vs_classic'])}")
        lines.append(f"{label(r)} ({r['n']} run{'s' if r['n'] > 1 else ''}): " + ", ".join(parts))
    lines += [v for v in map(verdict, rows) if v]
    lines += [f"not included: {path} ({why})" for path, why in broken]
    return "\n".join(lines)


def write_report(sweeps: list[Path], out: Path, curve: bool = False, chosen_by: str | None = None) -> tuple[str, str]:
    """Write report.md, report.csv and the plots of the runs under `sweeps` into `out`, each file atomically; returns
    the markdown and the short summary. `chosen_by`: the validation measure a search chose its best run by (its
    report then shows the trials' validation results and the chosen one's test result alone)."""
    runs, broken = find_runs(sweeps)
    if not runs:
        raise UserError(f"no complete run ({results.FILENAME}) under {', '.join(map(str, sweeps))}")
    if chosen_by:
        text, summary = search_report(runs, chosen_by, broken)
        atomic_write(out / "report.md", lambda tmp: tmp.write_text(text))
        return text, summary
    rows = build_rows(runs)
    text = markdown(rows, broken)
    atomic_write(out / "report.md", lambda tmp: tmp.write_text(text))
    atomic_write(out / "report.csv", lambda tmp: tmp.write_text(to_csv(rows)))
    plot(rows, out)
    if curve:
        plot_curve(rows, out)
    return text, short_summary(rows, broken)


CSV_FIELDS = ["experiment", "ratio", "fakes", "n_per_class", "data", "swept", "n", "val_mean", "test_mean", "test_std",
              "test_ci95", "gain_mean", "gain_ci95", "gain_n", "val_gain_mean", "train_mean"] + [f"vs_{r}_{k}" for r in REFERENCES for k in ("mean", "ci95", "n")] + [f"{k}_mean" for k in GAN_COLUMNS] + ["collapsed"] + [
              f"{s}@{e}" for e in PAPER_EPOCHS for s in ("train", "val")]


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
