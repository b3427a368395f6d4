"""The role → permission table. The one place that says what each role of a membership may do.

A person may belong to several organisations with one role in each; what they may do is decided
by the role of the membership they are acting in (the active organisation). Access to a given
person's data is further narrowed by the access layer (consent, team membership, legal basis).
"""

import json
from dataclasses import dataclass
from pathlib import Path

CASEWORKER = "caseworker"
SUPERVISOR = "supervisor"
VIEWER = "viewer"
PARTNER = "partner"
PEER = "peer"

# Every permission the product knows, with what it means (shown on the staff page).
PERMISSIONS: dict[str, str] = {
    "dashboard.view": "マイページを見る",
    "person.view": "自組織の本人・相談・ケース記録を見る",
    "person.edit": "本人・相談・ケース記録を登録・更新する",
    "shared.view": "共有された本人情報を（同意・法的根拠の範囲で）見る",
    "assignment.view": "担当として割り当てられた支援に必要な情報だけを見る",
    "referral.send": "連携依頼を送る",
    "referral.respond": "自組織あての連携依頼に応答する",
    "conference.manage": "支援チーム・会議を運営する",
    "conference.attend": "会議に参加し、議事録を見る",
    "directory.view": "機関ディレクトリを見る",
    "directory.edit": "自組織が管理する機関情報を編集する",
    "consent.manage": "同意を記録・撤回する",
    "breakglass.use": "緊急時に理由と法的根拠を記録して記録を開く",
    "report.view": "統計・報告を見る",
    "staff.manage": "自組織の職員を招待・権限変更・無効化する",
    "org.settings": "自組織の設定を変更する",
    "audit.view": "自組織の監査ログを見る",
    "admission.view": "入院等関係事務（申請・通報・届出、措置診察、入院届・定期病状報告）を見る（保健所のみ）",
    "admission.edit": "入院等関係事務を記録する（保健所のみ）",
    "network.view": "地域づくり（団体の育成・普及啓発・協議の場）の記録を見る（自組織と共催の記録）",
    "network.edit": "地域づくりの記録を登録・更新する",
}

# Permissions only some organisation types may have (data/organisation_types.json "type_permissions"):
# {permission: {organisation type code, ...}}. A permission not listed follows the role alone.
TYPE_PERMISSIONS: dict[str, frozenset[str]] = {
    perm: frozenset(types) for perm, types in json.loads(
        (Path(__file__).parent / "data" / "organisation_types.json").read_text(encoding="utf-8")
    ).get("type_permissions", {}).items()
}


def type_allows(type_code: str, perm: str) -> bool:
    """May an organisation of this type have `perm` at all (保健所 only for 入院等関係事務)?"""
    allowed = TYPE_PERMISSIONS.get(perm)
    return allowed is None or type_code in allowed


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    description: str
    permissions: frozenset[str]


_ALL_WORK = {
    "dashboard.view", "person.view", "person.edit", "shared.view", "referral.send", "referral.respond",
    "conference.manage", "conference.attend", "directory.view", "consent.manage", "breakglass.use",
    "report.view", "admission.view", "admission.edit", "network.view", "network.edit",
}

ROLES: dict[str, Role] = {
    CASEWORKER: Role(
        CASEWORKER, "相談員", "相談を受け、ケースを担当し、連携依頼を送受信する職員",
        frozenset(_ALL_WORK),
    ),
    SUPERVISOR: Role(
        SUPERVISOR, "管理者", "相談員の権限に加え、自組織の職員・設定・機関情報・監査ログを管理する職員",
        frozenset(_ALL_WORK | {"directory.edit", "staff.manage", "org.settings", "audit.view"}),
    ),
    VIEWER: Role(
        VIEWER, "閲覧", "自組織の記録を見るだけの職員（書き込み不可）",
        frozenset({"dashboard.view", "person.view", "shared.view", "conference.attend", "directory.view",
                   "report.view", "admission.view", "network.view"}),
    ),
    PARTNER: Role(
        PARTNER, "連携先職員", "連携先機関の職員。共有された範囲だけを見て、依頼に応答する",
        frozenset({"dashboard.view", "shared.view", "referral.respond", "referral.send", "conference.attend",
                   "directory.view", "network.view"}),
    ),
    PEER: Role(
        PEER, "ピアサポーター", "割り当てられた支援に必要な最小限の情報だけを見る",
        frozenset({"dashboard.view", "assignment.view", "conference.attend", "directory.view"}),
    ),
}

ROLE_CHOICES = [(code, role.name) for code, role in ROLES.items()]


def role_has_perm(role_code: str, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    role = ROLES.get(role_code)
    return bool(role and perm in role.permissions)
