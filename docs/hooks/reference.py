"""MkDocs hook: the site's home page from the README (its links made site links) and the settings reference
generated from the configs and their schema (`ganaug.schema`), so that neither is copied by hand."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any, get_type_hints

from hydra import compose, initialize_config_dir
from mkdocs.structure.files import File, Files
from omegaconf import OmegaConf

from ganaug.schema.commands import COMMANDS
from ganaug.schema.groups import GENERATIONS, Prepare, Train
from ganaug.schema.targets import TARGETS
from ganaug.schema.validation import nested_schema
from ganaug.utils.config import CONFIG_DIR

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = {group: sorted(path.stem for path in (Path(CONFIG_DIR) / group).glob("*.yaml"))
           for group in ("data", "classifier", "gan")}  # every option the package ships


def home() -> str:
    """The README with its links into docs/ pointing at the site's pages."""
    text = (ROOT / "README.md").read_text()
    text = re.sub(r"\]\(docs/", "](", text)
    text = re.sub(r'src="docs/', 'src="', text)
    return text.replace("](LICENSE)", "](https://opensource.org/license/mit)")


def rows(node: dict, schema: type | None, prefix: str, trains_column: bool = True) -> list[str]:
    """One table row per setting of `node` (plain data), following its schema into groups and `_target_` nodes."""
    if schema is None:
        schema = TARGETS.get(node.get("_target_"))
    known = {f.name: f for f in fields(schema)} if schema is not None else {}
    hints = get_type_hints(schema) if schema is not None else {}
    out = []
    for key, value in node.items():
        if key.startswith("_"):
            continue
        field = known.get(key)
        if isinstance(value, dict):
            inner = nested_schema(schema, key, hints.get(key), value)[1] if field is not None else None
            out += rows(value, inner, f"{prefix}{key}.", trains_column)
            continue
        allowed = field.metadata.get("allowed", "") if field is not None else ""
        trains = "" if field is None else ("yes" if field.metadata.get("trains") else "no")
        out.append(f"| `{prefix}{key}` | `{shown(value)}` | {allowed} |" + (f" {trains} |" if trains_column else ""))
    return out


def shown(value: Any) -> str:
    """A value as YAML writes it."""
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return text.replace("|", "\\|")


def table(title: str, node: dict, schema: type | None, prefix: str, trains_column: bool = True) -> str:
    columns = ["setting", "default", "allowed", *(["changes what is trained"] if trains_column else [])]
    head = ["", title, "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return "\n".join(head + rows(node, schema, prefix, trains_column))


def settings() -> str:
    """Every setting of `train` and `prepare`, by config group and option, with its default and what it allows; the
    settings of the commands that read a trained network or finished runs."""
    parts = ["# Settings", "", "Generated from the shipped configs and their schema (`ganaug/schema/`) when the site is "
             "built. Every value is checked before a command starts; a bad one is one line naming it."]
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        train = OmegaConf.to_container(compose("train"), resolve=False)
        parts += ["", "## `python -m ganaug.train`"]
        top = {k: v for k, v in train.items() if not isinstance(v, dict)}
        parts.append(table("### The run", top, Train, ""))
        for group in ("augment", "pretrain", "paths"):
            schema = nested_schema(Train, group, get_type_hints(Train)[group], train[group])[1]
            parts.append(table(f"### `{group}`", train[group], schema, f"{group}."))
        for group, options in OPTIONS.items():
            for option in options:
                node = OmegaConf.to_container(compose("train", overrides=[f"{group}={option}"]), resolve=False)[group]
                schema = GENERATIONS.get(node.get("module", {}).get("_target_")) if group == "gan" else \
                    nested_schema(Train, group, get_type_hints(Train)[group], node)[1] if group == "classifier" else None
                parts.append(table(f"### `{group}={option}`", node, schema, f"{group}."))
        for group, option in (("trainer", "cpu"), ("trainer", "gpu")):
            node = OmegaConf.to_container(compose("train", overrides=[f"{group}={option}"]), resolve=False)[group]
            parts.append(table(f"### `{group}={option}`", node, None, f"{group}."))
        loggers = OmegaConf.to_container(compose("train", overrides=["logger=[tensorboard,csv,mlflow,wandb]"]))["logger"]
        parts.append(table("### `logger` (each entry, chosen with logger=NAME or a list)", loggers, None, "logger."))
        prepare = OmegaConf.to_container(compose("prepare"), resolve=False)
        parts += ["", "## `python -m ganaug.prepare`"]
        parts.append(table("### The command", {k: v for k, v in prepare.items() if not isinstance(v, dict)}, Prepare, ""))
        parts.append(table("### `check`", prepare["check"], get_type_hints(Prepare)["check"], "check."))
        parts += ["", "## The commands that read a trained network or finished runs", "",
                  "Their `--help` (Hydra's) shows the same; paths given first are their positional settings."]
        for name, schema in COMMANDS.items():
            node = OmegaConf.to_container(compose(name), resolve=False)
            help_text = OmegaConf.load(Path(CONFIG_DIR) / f"{name}.yaml").hydra.help.template.split("\n\ndefaults:")[0]
            usage, _, about = help_text.partition("\n\n")
            parts += ["", f"### `python -m ganaug.{name}`", "", f"`{usage.removeprefix('usage: ')}`", "",
                      "```text", about, "```"]
            parts.append(table("#### Settings", node, schema, "", trains_column=False))
    return "\n".join(parts) + "\n"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "index.md", content=home()))
    files.append(File.generated(config, "reference/settings.md", content=settings()))
    return files
