"""The three floors stay apart: Beam stages, plain wire-text logic, spaCy NLP.

The launcher must not pay for spaCy (a Dataflow launch or a `wirestream read` imports no model code), the
wire-text and NLP logic must run without Beam, and no module imports one that imports it back.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import spacy

from wirestream.transforms.nlp.model import load_nlp

REPO = Path(__file__).resolve().parent.parent
FOLDERS = {"wirestream": "wirestream", "wirestream.pipeline": "pipeline", "wirestream.schemas": "schemas",
           "wirestream.transforms": "transforms"}
TEXT = ("BRUSSELS, March 3 (Reuters) - Prime Minister Mark Rutte backed the plan on Monday, while Hungary's "
        "Viktor Orban rejected it.\n\nThe European Commission welcomed the vote.")


def modules() -> dict[str, Path]:
    """Every module of the installed package, by dotted name, from the repository's folders."""
    found = {}
    for package, folder in FOLDERS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if any(part.startswith(".") for part in parts):
                continue
            found[".".join((package, *parts))] = path
    return found


def module_level_imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The wirestream modules `path` imports when it is imported (not inside functions or TYPE_CHECKING):
    for `from package import name`, the module `package.name` if there is one, else `package`."""
    imported = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("wirestream"):
                imported.update(f"{child.module}.{alias.name}" if f"{child.module}.{alias.name}" in known
                                else child.module for alias in child.names)
            elif isinstance(child, ast.Import):
                imported.update(alias.name for alias in child.names if alias.name.startswith("wirestream"))
    return imported


def test_no_module_imports_one_that_imports_it_back():
    found = modules()
    graph = {name: {m for m in module_level_imports(path, found) if m in found and m != name}
             for name, path in found.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for imported in graph[name]:
            assert state.get(imported) != "open", f"import circle: {' -> '.join([*trail, name, imported])}"
            if imported not in state:
                visit(imported, [*trail, name])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [])


def test_each_floor_imports_only_the_floors_below_it():
    """wire imports neither the NLP nor a stage; nlp no stage (limits are plain constants)."""
    allowed = {"wirestream.transforms.wire": ("wirestream.transforms.wire", "wirestream.transforms.limits",
                                              "wirestream.schemas"),
               "wirestream.transforms.nlp": ("wirestream.transforms.nlp", "wirestream.transforms.wire",
                                             "wirestream.transforms.limits", "wirestream.schemas")}
    found = modules()
    for name, path in found.items():
        for floor, may_import in allowed.items():
            if name.startswith(floor):
                stray = {m for m in module_level_imports(path, found) if not m.startswith(may_import)}
                assert not stray, f"{name} imports {sorted(stray)}"


def imported_after(statement: str) -> set[str]:
    """Top-level packages in sys.modules after `statement`, in a fresh interpreter."""
    script = f"import sys\n{statement}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd="/")
    return set(result.stdout.split())


def test_the_launcher_and_every_beam_stage_import_no_spacy():
    stages = [name for name in modules() if name.startswith(("wirestream.pipeline", "wirestream.transforms."))
              and not name.startswith(("wirestream.transforms.nlp", "wirestream.transforms.wire"))]
    loaded = imported_after("\n".join(f"import {name}" for name in ["wirestream", *stages]))
    assert "apache_beam" in loaded and "spacy" not in loaded and "thinc" not in loaded


def test_the_wire_text_and_nlp_logic_import_no_beam():
    logic = [name for name in modules() if name.startswith(("wirestream.transforms.wire", "wirestream.transforms.nlp"))]
    loaded = imported_after("\n".join(f"import {name}" for name in logic))
    assert "spacy" in loaded and "apache_beam" not in loaded


def test_the_tuned_pipeline_survives_to_disk_and_spacy_load(tmp_path, nlp):
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == nlp.pipe_names and loaded.disabled == nlp.disabled
    columns = ("pos_", "tag_", "dep_", "lemma_", "ent_type_", "is_sent_start")
    expected, got = nlp(TEXT), loaded(TEXT)
    assert [[getattr(t, c) for c in columns] for t in got] == [[getattr(t, c) for c in columns] for t in expected]
    assert [(e.text, e.label_) for e in got.ents] == [(e.text, e.label_) for e in expected.ents]
    assert "Mark Rutte" in {e.text for e in got.ents}


def test_load_nlp_keeps_the_stock_components_only_disabled():
    nlp = load_nlp()
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.disabled)
    assert "wirestream_attribute_rules" in nlp.pipe_names and "wirestream_lemmas" in nlp.pipe_names
