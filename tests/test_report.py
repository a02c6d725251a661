"""The sweep report on a synthetic multirun folder with known numbers and one broken run."""
import csv
import re
import json
from pathlib import Path

import pytest

from ganaug.evaluation.sweep_report import write_report
from ganaug.report import cli


def fake_run(sweep: Path, experiment: str, seed: int, test_acc: float, ratio: float = 0.0, swept: str = "",
             **extra) -> None:
    """A finished run's folder; `swept` (KEY=VALUE) is one more override of its sweep."""
    run_dir = sweep / f"experiment={experiment},ratio={ratio},seed={seed}{',' + swept if swept else ''}"
    (run_dir / ".hydra").mkdir(parents=True)
    (run_dir / ".hydra" / "overrides.yaml").write_text(f"- experiment={experiment}\n- seed={seed}\n"
                                                       + (f"- {swept}\n" if swept else ""))
    curve = [{"epoch": e, "train_acc": 1.0, "val_acc": test_acc - 0.01 * (e < 300)} for e in (20, 80, 140, 220, 300)]
    metrics = {"experiment": experiment, "seed": seed, "ratio": ratio, "n_per_class": 30, "data": "builtin",
               "test_acc": test_acc, "train_acc": 1.0, "curve": curve, "status": "complete"} | extra
    (run_dir / "metrics.json").write_text(json.dumps(metrics))


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    for seed, (base, aug) in enumerate([(0.80, 0.83), (0.82, 0.84), (0.84, 0.89)]):
        fake_run(tmp_path, "baseline", seed, base)
        fake_run(tmp_path, "augmented", seed, aug, ratio=1.0, diversity_min=0.3 + 0.2 * seed, gan_collapsed=seed == 0,
                 cas=0.6 + 0.1 * seed)
    (tmp_path / "experiment=augmented,ratio=2.0,seed=0" / ".hydra").mkdir(parents=True)  # killed before writing
    return tmp_path


def test_report_rows_paired_difference_and_broken_runs(sweep, capsys):
    cli([str(sweep)])
    rows = {r["experiment"]: r for r in csv.DictReader((sweep / "report.csv").open())}
    assert rows["baseline"]["n"] == "3" and float(rows["baseline"]["test_mean"]) == pytest.approx(0.82)
    # baseline 0.80, 0.82, 0.84: std 0.02, CI half-width t(2) * 0.02 / sqrt(3), t(2) = 4.3027
    assert float(rows["baseline"]["test_ci95"]) == pytest.approx(4.3027 * 0.02 / 3**0.5, rel=1e-4)
    # paired differences 0.03, 0.02, 0.05: mean 0.0333
    assert float(rows["augmented"]["vs_baseline_mean"]) == pytest.approx(0.10 / 3)
    assert rows["augmented"]["vs_baseline_n"] == "3" and rows["baseline"]["vs_baseline_mean"] == ""
    assert rows["augmented"]["vs_classic_n"] == "0"  # no classic runs in this sweep
    assert float(rows["augmented"]["diversity_min_mean"]) == pytest.approx(0.5) and rows["augmented"]["collapsed"] == "1"
    assert float(rows["augmented"]["cas_mean"]) == pytest.approx(0.7) and rows["baseline"]["cas_mean"] == ""
    assert float(rows["augmented"]["val@300"]) == pytest.approx((0.83 + 0.84 + 0.89) / 3)
    assert float(rows["augmented"]["val@20"]) == pytest.approx((0.83 + 0.84 + 0.89) / 3 - 0.01)
    report = (sweep / "report.md").read_text()
    assert "ratio=2.0,seed=0" in report and "no metrics.json" in report
    assert (sweep / "accuracy_vs_ratio.png").stat().st_size > 0 and (sweep / "curves.png").stat().st_size > 0
    assert "82.00 ± 4.97" in capsys.readouterr().out


@pytest.mark.parametrize("on_every_run", [False, True], ids=["swept on augmented runs", "swept on every run"])
def test_gan_settings_swept_still_pair_with_real_only_runs(tmp_path, on_every_run):
    """A GAN setting does not change a real-only run, whether the sweep passed it to it or not."""
    for seed, (base, aug) in enumerate([(0.80, 0.83), (0.82, 0.81)]):
        fake_run(tmp_path, "baseline", seed, base)
        fake_run(tmp_path, "augmented", seed, aug, ratio=1.0, n_fake=300)
        for run in ("augmented,ratio=1.0", "baseline,ratio=0.0") if on_every_run else ("augmented,ratio=1.0",):
            overrides = tmp_path / f"experiment={run},seed={seed}" / ".hydra" / "overrides.yaml"
            overrides.write_text(overrides.read_text() + "- gan=dagan\n- gan.module.mode_seeking=0.5\n")
    cli([str(tmp_path)])
    rows = {r["experiment"]: r for r in csv.DictReader((tmp_path / "report.csv").open())}
    assert rows["augmented"]["swept"] == "gan=dagan,gan.module.mode_seeking=0.5" and rows["baseline"]["swept"] == ""
    assert float(rows["augmented"]["vs_baseline_mean"]) == pytest.approx(0.01) and rows["augmented"]["vs_baseline_n"] == "2"


def test_report_on_missing_or_empty_folder_is_one_line(tmp_path, capsys):
    for folder in (tmp_path / "nope", tmp_path):
        with pytest.raises(SystemExit) as stopped:
            cli([str(folder)])
        assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no such folder" in err[0] and "no complete run" in err[1]


def test_runs_on_every_image_are_labelled_n_all_and_sort_beside_capped_ones(tmp_path):
    for seed in range(2):
        fake_run(tmp_path / "capped", "baseline", seed, 0.8)
        fake_run(tmp_path / "all", "baseline", seed, 0.9, n_per_class=None)
    cli([str(tmp_path)])
    rows = {r["n_per_class"]: r for r in csv.DictReader((tmp_path / "report.csv").open())}
    assert float(rows[""]["test_mean"]) == pytest.approx(0.9) and float(rows["30"]["test_mean"]) == pytest.approx(0.8)
    assert "| baseline n=all |" in (tmp_path / "report.md").read_text()


def test_rows_name_how_the_fakes_were_labelled(tmp_path):
    for labels in ("hard", "soft", "none"):
        run_dir = tmp_path / labels
        fake_run(run_dir, "augmented", 0, 0.9, ratio=1.0, n_fake=300, fake_labels=labels)
    cli([str(tmp_path)])
    report = (tmp_path / "report.md").read_text()
    for name in ("ratio=1 hard labels n=30", "ratio=1 soft labels n=30", "ratio=1 unlabelled n=30"):
        assert f"| augmented {name} |" in report


def test_split_seeds_of_a_folder_pool_like_seeds_and_pair_by_seed_and_split(tmp_path):
    accuracies = {(0, 0): (0.90, 0.95), (0, 1): (0.80, 0.84), (1, 0): (0.85, 0.86), (1, 1): (0.70, 0.78)}
    for (seed, split), (base, classic) in accuracies.items():
        for experiment, acc in (("baseline", base), ("classic", classic)):
            fake_run(tmp_path, experiment, seed, acc, swept=f"data.split_seed={split}", config={"data": {"split_seed": split}})
    cli([str(tmp_path)])
    rows = {r["experiment"]: r for r in csv.DictReader((tmp_path / "report.csv").open())}
    assert len(rows) == 2 and rows["classic"]["n"] == "4" and rows["classic"]["swept"] == ""
    assert rows["classic"]["vs_baseline_n"] == "4"  # paired by (seed, split): +0.05, +0.04, +0.01, +0.08
    assert float(rows["classic"]["vs_baseline_mean"]) == pytest.approx(0.045)


def test_the_curve_plots_accuracy_against_digits_per_class(tmp_path, capsys):
    for n, acc in ((5, 0.7), (10, 0.8), (30, 0.9)):
        for seed in (0, 1):
            fake_run(tmp_path / f"n{n}", "classic", seed, acc + 0.01 * seed, n_per_class=n)
    cli([str(tmp_path / "n5"), str(tmp_path / "n10"), str(tmp_path / "n30"), f"out={tmp_path}", "curve=true"])
    rows = list(csv.DictReader((tmp_path / "report.csv").open()))
    assert [r["n_per_class"] for r in rows] == ["5", "10", "30"]
    assert (tmp_path / "learning_curve.png").stat().st_size > 0 and "learning_curve.png" in capsys.readouterr().out


def gains_sweep(root: Path, gains: list[float]) -> None:
    """Augmented runs whose gains over their paired controls are `gains`, one seed each."""
    for seed, gain in enumerate(gains):
        fake_run(root, "augmented", seed, 0.85 + gain, ratio=0.5, n_fake=150, val_acc=0.8, control_test_acc=0.85,
                 gain=gain, val_gain=gain / 2)


@pytest.mark.parametrize("gains, answer", [
    ([0.02, 0.03, 0.025], r"the fakes helped: \+2\.50 ± 1\.24 points"),
    ([-0.02, -0.03, -0.025], r"the fakes hurt: -2\.50 ± 1\.24 points"),
    ([0.02, -0.03, 0.025], r"no detectable effect of the fakes \(the interval holds 0\): \+0\.50 ± 7\.5\d points"),
    ([0.02], r"\+2\.00 points of test accuracy over its paired control, one seed: no interval"),
])
def test_the_report_answers_whether_the_fakes_helped_from_the_paired_gains(tmp_path, gains, answer):
    gains_sweep(tmp_path, gains)
    text, summary = write_report([tmp_path], tmp_path)
    assert re.search(answer, text) and re.search(answer, summary) and text.startswith("## The answer")
    [row] = csv.DictReader((tmp_path / "report.csv").open())
    assert float(row["gain_mean"]) == pytest.approx(sum(gains) / len(gains)) and row["gain_n"] == str(len(gains))
    assert float(row["val_mean"]) == pytest.approx(0.8)


def test_a_search_reports_trials_by_validation_and_the_chosen_one_on_test_once(tmp_path):
    for trial, (ratio, val_gain, test_acc) in enumerate([(0.5, 0.01, 0.71), (2.0, 0.03, 0.62), (1.0, -0.01, 0.93)]):
        fake_run(tmp_path, "augmented", 0, test_acc, ratio=ratio, swept=f"augment.ratio={ratio}", n_fake=1,
                 val_acc=0.8 + val_gain, val_gain=val_gain, gain=test_acc - 0.7)
    text, summary = write_report([tmp_path], tmp_path, chosen_by="val_gain")
    # chosen by validation (ratio 2, val_gain +3), not by test (ratio 1 has the best test accuracy)
    assert "chosen on validation (val_gain +3.00 points, best of 3 trials, seed 0): augment.ratio=2.0" in summary
    assert "read once: test_acc 62.00 %, gain over its paired control -8.00 points" in text
    assert "93.00" not in text and "71.00" not in text  # the other trials' test results are not shown
    trials = [line.split(" | ")[0] for line in text.splitlines() if line.startswith("| augment.ratio=")]
    assert trials == ["| augment.ratio=2.0", "| augment.ratio=0.5", "| augment.ratio=1.0"]
