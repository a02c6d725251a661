"""The docs and the configs' comments stay true: every repository path the README and docs name exists, and every
setting a config comment names is one the configs have."""
import re
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from ganaug.utils.config import CONFIG_DIR, keys_of

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
REPO_PATH = re.compile(r"(?<![\w/.<])((?:ganaug|conf|docs|benchmarks|tests|\.ci)/[\w./-]*[\w])")


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_repository_path_a_doc_names_exists(doc):
    text = doc.read_text()
    named = {m.group(1).rstrip(".") for m in REPO_PATH.finditer(text)
             if not re.search(r"[<*]|\b[A-Z]{2,}\b", m.group(1))}  # placeholders: <time>, *, NAME
    missing = sorted(p for p in named if not (ROOT / p).exists() and not (doc.parent / p).exists())
    assert not missing, f"{doc.name} names paths that do not exist: {missing}"


def all_keys() -> set[str]:
    keys = set()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        for overrides in (["gan=dagan", "pretrain=builtin", "data=folder"], ["gan=dcgan", "data=mnist",
                          "logger=[tensorboard,csv,mlflow,wandb]", "trainer=gpu"], ["gan=diffusion"]):
            keys |= set(keys_of(compose("train", overrides=overrides)))
        keys |= set(keys_of(compose("prepare")))
    return keys


SETTING = re.compile(r"(?<![\w/])((?:augment|data|gan|classifier|pretrain|paths|trainer|logger|check)\.[a-z_][\w.]*[a-z_])")


def test_config_comments_name_settings_that_exist():
    keys = all_keys()
    stale = []
    for path in Path(CONFIG_DIR).rglob("*.yaml"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            comment = line.partition("#")[2]
            stale += [f"{path.relative_to(CONFIG_DIR)}:{number} {name}" for name in SETTING.findall(comment)
                      if name not in keys]
    assert not stale, f"config comments name settings that do not exist: {stale}"


def test_the_benchmarks_index_lists_every_script_and_only_those():
    index = (ROOT / "benchmarks" / "README.md").read_text()
    listed = set(re.findall(r"^\| `([\w.]+\.(?:py|sh))` \|", index, re.M))
    scripts = {path.name for path in (ROOT / "benchmarks").iterdir() if path.suffix in (".py", ".sh")}
    assert listed == scripts, f"not listed: {sorted(scripts - listed)}; listed but missing: {sorted(listed - scripts)}"
