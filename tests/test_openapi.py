"""docs/openapi.yaml describes every /api/v1 route and method the application serves."""
import re
from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ANY = re.compile(r"<any\(([^)]*)\):[^>]+>")


def _documented_paths(rule):
    """The spec paths for a Flask rule; <any(a, b):x> stands for one path per literal."""
    path = rule[len("/api/v1"):]
    match = ANY.search(path)
    if match:
        literals = [word.strip() for word in match.group(1).split(",")]
        return [PARAM.sub(r"{\1}", path[:match.start()] + word + path[match.end():]) for word in literals]
    return [PARAM.sub(r"{\1}", path)]


def test_every_api_route_is_described(app):
    spec = yaml.safe_load(SPEC.read_text())
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for path in _documented_paths(rule.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method.lower() not in spec["paths"].get(path, {}):
                    missing.append(f"{method} /api/v1{path}")
    assert not missing, "undocumented in docs/openapi.yaml: " + ", ".join(missing)


def test_every_described_path_exists(app):
    spec = yaml.safe_load(SPEC.read_text())
    served = {path for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for path in _documented_paths(rule.rule)}
    assert set(spec["paths"]) <= served, f"documented but not served: {sorted(set(spec['paths']) - served)}"


def test_references_resolve():
    spec = yaml.safe_load(SPEC.read_text())
    text = SPEC.read_text()
    for ref in set(re.findall(r'\$ref: "#/components/([a-zA-Z]+)/([A-Za-z]+)"', text)):
        assert ref[1] in spec["components"][ref[0]], f"dangling $ref {ref}"
