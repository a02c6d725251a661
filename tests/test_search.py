"""`-m hparams_search=fake_ratio`: Optuna searches the fakes' settings on validation, and the end of the search names
the chosen settings and their test result, read once; a search that cannot run stops in one line before it starts."""
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import FAST

from ganaug.train import cli

SEARCH = ("-m", "hparams_search=fake_ratio", *FAST, "hydra/launcher=basic", "hydra.sweeper.n_trials=2")


def trials(sweep: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(sweep.glob("*/metrics.json"))]


def test_a_tiny_search_chooses_on_validation_and_reports_the_choice_on_test_once(tmp_path, command):
    runs, printed = {}, {}
    for name in ("first", "again"):
        sweep = tmp_path / name
        result = command(cli, *SEARCH, f"hydra.sweep.dir={sweep}", f"paths.root={tmp_path / 'out'}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        runs[name], printed[name] = trials(sweep), result.stdout
    first = runs["first"]
    assert len(first) == 2 and all({"val_gain", "gain", "test_acc"} <= set(m) for m in first)
    # one generator and one control for every trial of the seed: trained by the first, cached for the second
    assert [m["gan_cached"] for m in first] == [False, True] and [m["control_cached"] for m in first] == [False, True]
    best = max(first, key=lambda m: m["val_gain"])
    results = yaml.safe_load((tmp_path / "first" / "optimization_results.yaml").read_text())
    assert results["best_value"] == pytest.approx(best["val_gain"])
    report = (tmp_path / "first" / "report.md").read_text()
    chosen = re.search(r"chosen on validation \(val_gain ([+-]\d+\.\d\d) points, best of 2 trials, seed 0\): "
                       r"augment\.ratio=(\S+) .*read once: test_acc (\d+\.\d\d) %", report)
    assert chosen and float(chosen.group(1)) == pytest.approx(100 * best["val_gain"], abs=0.006)
    assert float(chosen.group(2)) == pytest.approx(best["ratio"]) and float(chosen.group(3)) == pytest.approx(
        100 * best["test_acc"], abs=0.006)
    assert chosen.group(0) in printed["first"]  # the end of the search prints the choice too
    # the sampler is seeded: the same command searches the same settings
    assert [m["config"]["augment"] for m in runs["again"]] == [m["config"]["augment"] for m in first]


@pytest.mark.parametrize("space, message", [
    ("augment.ratio=interval(-1,2)", "augment.ratio=interval(-1,2) can draw -1.0, which augment.ratio does not allow: "
                                     "search within a number > 0"),
    ("augment.fake_labels=choice(hard,wrong)", "can draw 'wrong', which augment.fake_labels does not allow"),
    ("augment.ratoi=interval(1,2)", "augment.ratoi is not a setting"),
])
def test_a_search_space_with_values_a_run_refuses_is_one_line_and_writes_nothing(tmp_path, command, space, message):
    result = command(cli, *SEARCH, space, f"paths.root={tmp_path / 'out'}", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_search_without_optuna_says_what_to_install(tmp_path, command, no_hydra_plugins):
    result = command(cli, *SEARCH, f"paths.root={tmp_path / 'out'}", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "hparams_search=fake_ratio needs Hydra's Optuna sweeper: pip install 'ganaug[search]'" in result.stderr
    assert not (tmp_path / "out").exists()
