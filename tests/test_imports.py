"""No import cycles among the ecabinet modules: not at module level, and not through imports inside
functions either (an import moved into a function hides a cycle, it does not remove it)."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ecabinet"


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _target(name):
    """The ecabinet module an imported name lives in (a submodule, or else its package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module, path, *, inside_functions):
    """The ecabinet modules `module` imports (at module level, or anywhere)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)) and (inside_functions or not in_function):
                if isinstance(child, ast.Import):
                    names = [alias.name for alias in child.names]
                else:
                    base = child.module or ""
                    if child.level:
                        anchor = package.split(".")[:len(package.split(".")) - child.level + 1]
                        base = ".".join(anchor + ([base] if base else []))
                    names = [f"{base}.{alias.name}" for alias in child.names] + [base]
                for name in names:
                    target = _target(name) if name.startswith("ecabinet") else None
                    if target and target != module:
                        found.add(target)
            visit(child, nested)

    visit(tree, False)
    return found


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def connect(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return result


def _graph(inside_functions):
    graph = {module: _imports(module, path, inside_functions=inside_functions) for module, path in MODULES.items()}
    # Importing a module imports its packages first; an __init__ that imports nothing adds no edge.
    return graph


@pytest.mark.parametrize("inside_functions", [False, True], ids=["module level", "including inside functions"])
def test_no_import_cycles(inside_functions):
    assert _cycles(_graph(inside_functions)) == []


def test_the_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
