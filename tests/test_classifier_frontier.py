"""benchmarks/classifier_frontier.py: validation accuracy per classifier configuration of finished sweeps, paired
with the default's by seed, with the time per run; the test accuracy only when asked."""
import json
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "classifier_frontier.py"


def write_run(folder: Path, width: int, seed: int, val: float, test: float, seconds: float) -> None:
    folder.mkdir(parents=True)
    net = {"_target_": "ganaug.models.networks.ConvNet", "width": width}
    config = {"classifier": {"epochs": 300, "module": {"net": net, "lr": 0.02, "weight_decay": 0.0005}}}
    (folder / "metrics.json").write_text(json.dumps({"status": "complete", "seed": seed, "val_acc": val,
                                                     "test_acc": test, "time_s": {"classifier": seconds},
                                                     "config": config}))


def test_the_frontier_pairs_by_seed_and_reads_test_only_when_asked(tmp_path):
    for seed in range(3):
        write_run(tmp_path / "width" / f"w32,seed={seed}", 32, seed, 0.90 + 0.01 * seed, 0.5, 10.0)
        write_run(tmp_path / "width" / f"w64,seed={seed}", 64, seed, 0.92 + 0.01 * seed, 0.6, 30.0 + seed)
    default = "ConvNet width=32 lr=0.02 wd=0.0005 epochs=300"
    run = lambda *extra: subprocess.run([sys.executable, str(BENCHMARK), str(tmp_path), "--default", default, *extra],  # noqa: E731
                                        capture_output=True, text=True, check=True).stdout
    rows = {line.split("  ")[0].strip("* "): line for line in run().splitlines()[1:]}
    assert "(default)" in rows[default] and rows[default].startswith("*")
    wide = rows["ConvNet width=64 lr=0.02 wd=0.0005 epochs=300"]
    assert "93.00 ±" in wide and "+2.00 ± 0.00" in wide and wide.rstrip().endswith("31.0")  # paired; median time
    assert wide.startswith("*")  # more accurate though slower: on the frontier
    assert "test" not in run() and "50.00" not in run()
    assert "test accuracy, read once: " + default + ": 50.00" in run("--read-test")
