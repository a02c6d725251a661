"""Holding a composed config to its schema before any work starts: every key known, every value of its type and in
its range or words, the checks across fields; the first problem as one line naming the key, the value, what is
allowed and, for a key that does not exist, the closest one that does."""
from __future__ import annotations

import difflib
import re
from dataclasses import Field, fields, is_dataclass
from typing import Any, get_type_hints

from omegaconf import DictConfig, OmegaConf, ValidationError

from ganaug.schema.targets import TARGETS

HYDRA_KEYS = {"_target_", "_partial_", "_recursive_", "_convert_", "_args_"}


class SchemaError(ValueError):
    """A setting the schema does not allow; the message is one line."""


def check(cfg: DictConfig | dict, schema: type) -> None:
    """Raise SchemaError for the first setting of `cfg` that `schema` does not allow. A value set by interpolation
    (`${classifier.batch_size}`) is checked where it is set, under that key."""
    if isinstance(cfg, DictConfig):
        check_node(OmegaConf.to_container(cfg, resolve=True), schema, "", OmegaConf.to_container(cfg, resolve=False))
    else:
        check_node(cfg, schema, "", cfg)


def interpolated(raw: Any) -> bool:
    return isinstance(raw, str) and raw.startswith("${")


def schema_fields(schema: type) -> dict[str, tuple[Field, Any]]:
    """Each field of a schema with its resolved type."""
    hints = get_type_hints(schema)
    return {f.name: (f, hints.get(f.name)) for f in fields(schema)}


def nested_schema(schema: type, name: str, kind: Any, value: Any) -> tuple[bool, type | None]:
    """Whether the setting `name` of `schema`, holding `value`, is a group of settings of its own, and that group's
    schema: the one `schema.schema_of` picks for it (by a `_target_` inside it), the one its field names (a config
    group's), or its field's dataclass."""
    chooser = getattr(schema, "schema_of", {}).get(name)
    if chooser is not None and isinstance(value, dict):
        return True, chooser(value)
    named = next((f.metadata.get("schema") for f in fields(schema) if f.name == name), None)
    if named is not None:
        return True, named
    if is_dataclass(kind):
        return True, kind
    return False, None


def check_node(node: Any, schema: type | None, path: str, raw: Any = None) -> None:
    """Check a dict against `schema`, or, with none given, against the schema of its `_target_` (a class the schema
    does not know, such as a user's own, is not checked)."""
    if not isinstance(node, dict):
        raise SchemaError(f"{path.rstrip('.')}={node!r} is not allowed: use a group of settings")
    if schema is None:
        schema = TARGETS.get(node.get("_target_"))
        if schema is None:
            return
    known = schema_fields(schema)
    raw = raw if isinstance(raw, dict) else {}
    built = "_target_" in node  # Hydra reads its own keys only where it builds something
    for key, value in node.items():
        if (key in HYDRA_KEYS and built) or interpolated(raw.get(key)):
            continue
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {path}{close[0]}?" if close else f"; {path.rstrip('.') or 'the config'} has " \
                   f"{', '.join(sorted(known))}"
            raise SchemaError(f"{path}{key} is not a setting{hint}")
        check_value(value, *known[key], schema, f"{path}{key}", raw.get(key))
    together = getattr(schema, "together", None)
    problem = together(node, path) if together else None
    if problem:
        raise SchemaError(problem)


def check_value(value: Any, field: Field, kind: Any, schema: type, key: str, raw: Any = None) -> None:
    """Check one setting: a nested group against its schema, a value against its field's check, a `_target_` node
    (or a list or mapping of them) against its target's."""
    group, inner = nested_schema(schema, field.name, kind, value)
    if group:
        check_node(value, inner, f"{key}.", raw)
        return
    test = field.metadata.get("check")
    if test is not None and not test(value):
        raise SchemaError(f"{key}={value!r} is not allowed: use {field.metadata['allowed']}")
    raw_items = raw if isinstance(raw, (dict, list)) else {}
    if isinstance(value, dict) and "_target_" in value:
        check_node(value, None, f"{key}.", raw)
    elif isinstance(value, dict):
        for name, entry in value.items():
            if isinstance(entry, dict) and "_target_" in entry and not interpolated(raw_items.get(name)):
                check_node(entry, None, f"{key}.{name}.", raw_items.get(name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            own = raw_items[i] if isinstance(raw_items, list) and i < len(raw_items) else None
            if isinstance(item, dict) and "_target_" in item and not interpolated(own):
                check_node(item, None, f"{key}.", own)


def field_of(cfg: DictConfig | dict, schema: type, key: str) -> Field | None:
    """The schema field of a dotted `key` of `cfg` (following `_target_` nodes, and through a mapping of them such as
    `logger`), None where the schema has none."""
    node: Any = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    found = None
    for part in key.split("."):
        if schema is None and isinstance(node, dict):
            schema = TARGETS.get(node.get("_target_"))
            if schema is None and "_target_" not in node:  # a mapping of `_target_` nodes: one level down
                node = node.get(part)
                schema = TARGETS.get(node.get("_target_")) if isinstance(node, dict) else None
                continue
        if schema is None or not isinstance(node, dict):
            return None
        known = schema_fields(schema)
        if part not in known:
            return None
        found, kind = known[part]
        node = node.get(part)
        _, schema = nested_schema(schema, part, kind, node)
    return found


def keyed(node: Any, schema: type | None = None, measured: bool = False) -> Any:
    """`node` (plain data) with only the settings that change what is trained (`measured`: or what is measured), as
    its schema marks them (following `_target_` nodes and mappings of them): what a cache's key holds. A node whose
    schema is unknown (a user's own class) is kept whole."""
    if isinstance(node, list):
        return [keyed(item, None, measured) for item in node]
    if not isinstance(node, dict):
        return node
    if schema is None:
        schema = TARGETS.get(node.get("_target_"))
        if schema is None:
            return {k: keyed(v, None, measured) for k, v in node.items()}
    known = schema_fields(schema)
    kept = {}
    for key, value in node.items():
        if key not in known:
            kept[key] = value
            continue
        field, kind = known[key]
        if not (field.metadata.get("trains", True) or (measured and field.metadata.get("measures", True))):
            continue
        _, inner = nested_schema(schema, key, kind, value)
        kept[key] = keyed(value, inner, measured)
    return kept


def refused(error: BaseException) -> str | None:
    """The one-line message for a value OmegaConf refused while composing (Hydra's error for an override, or for a
    config file, which it names), in the words of its schema field; None for any other error."""
    cause = error if isinstance(error, ValidationError) else error.__cause__ or error.__context__
    if not isinstance(cause, ValidationError) or not getattr(cause, "full_key", None):
        return None
    kind = cause.object_type if is_dataclass(cause.object_type) else None
    field = next((f for f in fields(kind) if f.name == cause.key), None) if kind is not None else None
    allowed = field.metadata.get("allowed") if field is not None else None
    reason = f"use {allowed}" if allowed else str(cause.msg).splitlines()[0]
    source = re.match(r"In '([^']+)'", str(error))
    return f"{cause.full_key}={cause.value!r} is not allowed" + (f" in {source[1]}.yaml" if source else "") + f": {reason}"
