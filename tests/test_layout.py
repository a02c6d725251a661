"""The package's layout: no import cycle between its modules, each room imports only the rooms below it, and files
written before the layout by role (checkpoints, metrics.json) still load and give the same numbers."""
import ast
import shutil
from pathlib import Path

import pytest
import torch

from ganaug import Classifier, load_gan
from ganaug.utils import results

PACKAGE = Path(__file__).resolve().parent.parent / "ganaug"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "b2c5e19"  # written by the flat layout's code
# The fixtures' outputs were computed on another machine: another CPU's float32 kernels round the last digits
# differently (seen: AMD EPYC against Intel Xeon), so they are compared within float32 tolerances.
FLOAT32 = {"rtol": 1e-4, "atol": 1e-5}
# What each room may import besides itself; the commands at the top may import anything.
ALLOWED = {
    "schema": set(),
    "utils": {"schema"},
    "models": {"utils", "schema"},
    "data": {"utils", "models", "schema"},
    "evaluation": {"utils", "models", "data", "schema"},
    "pipeline": {"utils", "models", "data", "evaluation", "schema"},
    "inference": {"utils", "models", "data", "evaluation", "schema"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Every ganaug module and the ganaug modules it imports, at the top or inside functions."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def test_no_module_imports_itself_back():
    graph, state = imports(), {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            assert state.get(target) != "open", "import cycle: " + " → ".join(path + [target])
            if target not in state:
                visit(target, path + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_rooms_import_only_the_rooms_below_them():
    wrong = []
    for name, targets in imports().items():
        parts = name.split(".")
        if len(parts) < 3:  # the package, the commands and the rooms' own __init__
            continue
        room = parts[1]
        for target in targets:
            other = target.split(".")[1] if target.count(".") >= 1 else None
            if other in ALLOWED and other != room and other not in ALLOWED[room]:
                wrong.append(f"{name} imports {target}")
    assert not wrong


def test_the_top_holds_the_commands_and_the_rooms_only():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12 and set(ALLOWED) <= {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    stems = [p.stem for p in PACKAGE.rglob("*.py") if p.stem != "__init__"]
    look_alikes = {(a, b) for a in stems for b in stems if a != b and b.startswith(a) and b[len(a):] in ("s", "ing", "ation", "ed")}
    assert not look_alikes


def test_a_classifier_checkpoint_of_the_flat_layout_loads_and_reads_the_same():
    expected = torch.load(FIXTURES / "expected.pt", weights_only=True)
    classifier = Classifier.load_from_checkpoint(FIXTURES / "classifier.ckpt", map_location="cpu").eval()
    assert type(classifier.augmentation[0]).__module__ == "ganaug.models.augmentations"  # its elastic distortion
    with torch.no_grad():
        torch.testing.assert_close(classifier(expected["input"]), expected["classifier_logits"], **FLOAT32)


@pytest.mark.parametrize("name, key", [("gan.ckpt", "gan_samples"), ("dagan.ckpt", "dagan_samples")])
def test_gan_checkpoints_of_the_flat_layout_load_and_sample_the_same(name, key):
    expected = torch.load(FIXTURES / "expected.pt", weights_only=True)
    gan = load_gan(FIXTURES / name)
    torch.testing.assert_close(gan.sample(expected["labels"], seed=0), expected[key], **FLOAT32)


def test_a_results_file_of_the_flat_layout_gives_a_config_that_builds(tmp_path):
    shutil.copy(FIXTURES / "metrics.json", tmp_path / "metrics.json")
    cfg = results.config_of_run(tmp_path)
    assert cfg.data._target_ == "ganaug.data.mnist.BuiltinDigits"
    assert cfg.gan.module._target_ == "ganaug.models.gan.GAN"
    assert cfg.classifier.module.net._target_ == "ganaug.models.networks.CNN"


def test_no_module_is_over_300_lines():
    """Small modules with one job each: a module past 300 lines holds more than one."""
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > 300}
    assert not long, f"split these by role: {long}"
