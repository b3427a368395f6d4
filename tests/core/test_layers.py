"""The apps are layers (docs/architecture.md, "Layers"): an app imports only from apps below it, never from
one above. Every import in the code is read — at module level and inside functions, `import`, `from … import`,
relative imports and `importlib.import_module("…")` with a literal name — and so is every `{% load %}`,
`{% include %}` and `{% extends %}` of the templates. What a lower app needs of a higher one, the higher app
registers in its AppConfig.ready (grants, panels, support teams, the person view …)."""

import ast
import re
from pathlib import Path

import renkei

ROOT = Path(renkei.__file__).resolve().parent
TEMPLATES = ROOT / "templates"

# Lowest first. An app may import from the apps before it in this list, never from one after it.
LAYERS = ["core", "audit", "accounts", "notices", "guidance", "directory", "cases", "consent", "conferences",
          "referrals", "admissions", "discharge", "network", "subject_access", "demo"]
RANK = {app: i for i, app in enumerate(LAYERS)}

# Tools that drive the whole product from outside (they are not imported by the app code): the benchmark's
# data and driver, and the load test. They may import any app, as the tests do.
TOOLS = {"renkei.cases.bench", "renkei.cases.bench_data", "renkei.core.load"}

# Upward imports not inverted yet, each with why: (importing module, app imported) → reason. The test fails
# on any other upward import, and on an entry here that no longer occurs (remove it when it is inverted).
KNOWN = {
    ("renkei.audit.access", "accounts"): "re-exports accounts.access.require_perm for the audit views",
    ("renkei.audit.access", "cases"): "the entries a supervisor sees name the persons their organisation holds",
    ("renkei.audit.views", "cases"): "the 開示請求 report fetches its person through the cases access layer",
    ("renkei.audit.labels", "consent"): "the report names legal bases from consent's list of bases",
    ("renkei.audit.reads", "cases"): "a read's basis: own organisation and case team",
    ("renkei.audit.reads", "consent"): "a read's basis: consent, disclosure or break-glass",
    ("renkei.core.dashboard", "audit"): "core's own panel (recent sign-ins) and the dashboard's one read entry",
}


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "renkei" and parts[1] in RANK else None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, a module of `package`, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from renkei import consent` imports the app itself
            found += [(node.lineno, f"{base}.{alias.name}" if base == "renkei" else base) for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def upward_imports() -> dict[tuple[str, str], list[str]]:
    """{(importing module, higher app): ["path:line imports module", …]} over every app's code."""
    out: dict[tuple[str, str], list[str]] = {}
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = _module_name(path)
            if module in TOOLS:
                continue
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for line, name in _imported(path.read_text(encoding="utf-8"), package):
                target = _app_of(name)
                if target is not None and RANK[target] > RANK[app]:
                    out.setdefault((module, target), []).append(f"{path.relative_to(ROOT.parent)}:{line} imports {name}")
    return out


def test_no_app_imports_from_a_higher_app():
    found = upward_imports()
    new = {key: where for key, where in found.items() if key not in KNOWN}
    assert not new, "imports from a higher app (invert them with a registration in the higher app's " \
                    "AppConfig.ready, see docs/architecture.md):\n" + "\n".join(w for ws in new.values() for w in ws)
    stale = sorted(set(KNOWN) - set(found))
    assert not stale, f"no longer imported, remove from KNOWN: {stale}"


def test_the_scan_sees_function_local_relative_and_dynamic_imports():
    source = ("import renkei.cases\nfrom renkei import consent\n"
              "def f():\n    from renkei.referrals.models import Referral\n"
              "    from ...discharge import grants\n    from .. import access\n"
              "    importlib.import_module('renkei.demo.loader')\n")
    names = sorted(name for _line, name in _imported(source, "renkei.audit.templatetags"))
    assert names == ["renkei.audit", "renkei.cases", "renkei.consent", "renkei.demo.loader", "renkei.discharge",
                     "renkei.referrals.models"]


# --- templates -----------------------------------------------------------------------------------------------
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def _template_app(name: str) -> str:
    """The app a template belongs to: its first folder, if that is an app; the shell's otherwise (core)."""
    first = name.split("/", 1)[0]
    return first if "/" in name and first in RANK else "core"


def _libraries() -> dict[str, str]:
    """Template tag library → the app defining it."""
    return {path.stem: app for app in LAYERS for path in (ROOT / app / "templatetags").glob("*.py")
            if path.stem != "__init__"}


def test_no_template_loads_or_includes_a_higher_app():
    libraries, found = _libraries(), []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        app, text = _template_app(name), path.read_text(encoding="utf-8")
        used = [(lib, libraries[lib]) for match in LOAD.finditer(text) for lib in match.group(1).split()
                if lib in libraries]
        used += [(other, _template_app(other)) for other in INCLUDE.findall(text)]
        found += [f"{name} uses {what} ({target})" for what, target in used if RANK[target] > RANK[app]]
    assert not found, "templates using a higher app (register a panel instead):\n" + "\n".join(found)
