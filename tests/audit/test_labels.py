"""Every audit action code the code base logs has a Japanese label (audit/data/labels.json), and so has
every sharing basis the report can meet."""

import ast
import json
import re
from pathlib import Path

from renkei.audit import labels

ROOT = Path(__file__).resolve().parents[2] / "renkei"
CODE = re.compile(r"^[a-z][a-z_]*(\.[a-z_]+)+$")
# Action codes built at run time: the prefix, and every code it can produce.
_referrals = json.loads((ROOT / "referrals" / "data" / "referrals.json").read_text(encoding="utf-8"))
DYNAMIC = {
    "referral.fhir_": ["referral.fhir_servicerequest_read", "referral.fhir_task_read"],
    "referral.": [f"referral.{s['code'].replace('-', '_')}" for s in _referrals["statuses"]],
    "breakglass.": [],  # 緊急アクセス: + the label of the read itself
}


def _logged_codes():
    codes, prefixes = set(), set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if "log" not in name.lower() or name == "getLogger":  # logger names are not actions
                continue
            for arg in list(node.args) + [k.value for k in node.keywords if k.arg == "action"]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                    codes.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                    prefix = arg.values[0].value
                    if CODE.match(prefix.rstrip("._") + ".x") or prefix.endswith("."):
                        prefixes.add((prefix, f"{path.relative_to(ROOT.parent)}:{node.lineno}"))
    return codes, prefixes


def test_every_action_code_logged_in_the_code_base_has_a_japanese_label():
    codes, prefixes = _logged_codes()
    assert len(codes) > 80  # the scan finds the calls
    unknown_prefixes = [where for prefix, where in prefixes if prefix not in DYNAMIC]
    assert not unknown_prefixes, f"an action code built at run time: list what it can be in DYNAMIC: {unknown_prefixes}"
    for prefix, _ in prefixes:
        codes.update(DYNAMIC[prefix])
    missing = sorted(c for c in codes if not labels.has_label(c))
    assert not missing, f"add these to renkei/audit/data/labels.json: {missing}"
    assert labels.action_label("breakglass.person.viewed") == "緊急アクセス: 本人の基本情報の閲覧"


def test_every_label_is_japanese_and_every_basis_has_words():
    for code, label in labels.labels()["actions"].items():
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label), code
    from renkei.consent.reference import legal_bases

    for basis in legal_bases():
        text = labels.basis_label(f"{basis['code']}:disclosure:1", holder=False)
        assert basis["name"] in text and ":" not in text
    assert labels.basis_label("consent:3,consent:4", holder=False) == "本人の同意（同意の記録 第3号）・本人の同意（同意の記録 第4号）"
    assert labels.basis_label("", holder=True) == "記録を保有する機関（本人の登録機関）"
    assert labels.basis_label("pathway_step_owner", holder=False) == "地域移行の工程を担当する機関"
