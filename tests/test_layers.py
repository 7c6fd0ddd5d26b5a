"""The apps' import direction (README "Where things live") holds, and no two modules import each
other, directly or round a longer loop."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp
from django.conf import settings

APPS = ("accounts", "targets", "tasks", "enterprises", "outreach", "bulletins", "assessment", "demo")
BASE = Path(settings.BASE_DIR)


def test_the_layering_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=BASE, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    loops = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                loops.append(f"{module} → {' → '.join(chain)}")
    assert loops == []


def _function_level_app_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name == "ready":  # AppConfig.ready: signals are connected once the apps are loaded
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom):
                target = "." if inner.level else (inner.module or "")
                if inner.level or target.split(".")[0] in APPS:
                    found.append(f"{path.relative_to(BASE)}:{inner.lineno}")
            elif isinstance(inner, ast.Import) and any(a.name.split(".")[0] in APPS for a in inner.names):
                found.append(f"{path.relative_to(BASE)}:{inner.lineno}")
    return found


def test_no_import_of_the_apps_is_hidden_inside_a_function():
    found = []
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found += _function_level_app_imports(path)
    assert found == []
