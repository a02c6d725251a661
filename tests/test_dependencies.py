"""What the package imports is what it declares: every third-party module imported anywhere in ganaug/ belongs to a
distribution named in pyproject.toml (a dependency or an extra), and the wheel says its licence."""
import ast
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules() -> set[str]:
    """The top-level module names imported by ganaug's code, at the top or inside functions."""
    found = set()
    for path in (ROOT / "ganaug").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - {"ganaug", "__future__"} - set(sys.stdlib_module_names)


def declared() -> set[str]:
    """The distributions pyproject.toml names, as normalised names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    names = {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in requirements}
    return {normalised(n) for n in names if n != "ganaug"}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    owners = packages_distributions()
    missing = {module: owners.get(module) for module in imported_modules()
               if not {normalised(d) for d in owners.get(module, [module])} & declared()}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


@pytest.mark.slow
def test_the_wheel_says_its_licence(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)], check=True)
    [wheel] = tmp_path.glob("ganaug-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith("METADATA"))
        names = archive.namelist()
    assert "License: MIT" in metadata and "CC-BY-SA-3.0" in metadata
    assert "Classifier: License :: OSI Approved :: MIT License" in metadata
    assert any(n.endswith("LICENSE") for n in names)
