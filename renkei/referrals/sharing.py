"""The sharing basis of a referral, through the consent layer (renkei.consent): the consents in force
that cover the receiver and the scopes, or a legal basis with a justification recorded as a disclosure.
This module only calls the consent layer's public interface; it keeps no consent data of its own."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.cases.access import BASIC
from renkei.consent import access as consent_access
from renkei.consent import actions as consent_actions
from renkei.consent import reference as consent_reference
from renkei.consent.models import Consent

from . import reference


def scope_choices() -> list[tuple[str, str]]:
    return [(s["code"], s["name"]) for s in consent_reference.scopes()]


def with_required(scopes) -> list[str]:
    return consent_reference.with_required(list(scopes) + [BASIC])


def consent_choices(person, organisation) -> list:
    return list(consent_access.active_consents(person, organisation).order_by("-valid_until", "id"))


def _kind(organisation) -> str:
    return "public" if organisation.is_public else "private"


def legal_basis_choices(from_organisation, to_organisation) -> list[dict]:
    return [b for b in consent_reference.disclosure_bases()
            if _kind(from_organisation) in b["discloser"] and _kind(to_organisation) in b["recipients"]]


def disclosure_bases() -> list[dict]:
    return consent_reference.disclosure_bases()


def legal_basis_name(code: str) -> str:
    return consent_reference.basis_names().get(code, code)


def check_consents(person, organisation, consent_ids, scopes) -> list[int]:
    """The chosen consents, each in force and covering the receiver; together covering every scope."""
    try:
        ids = sorted({int(i) for i in consent_ids or []})
    except (TypeError, ValueError):
        raise ValidationError("根拠とする同意を選び直してください。") from None
    if not ids:
        raise ValidationError("依頼先に情報を共有する根拠となる同意を選んでください。"
                              "有効な同意がないときは法的根拠と理由を記録してください。")
    chosen = list(consent_access.active_consents(person, organisation).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise ValidationError("選んだ同意に、期限切れ・撤回済み・依頼先を含まないものがあります。")
    missing = [s for s in scopes if not any(s in c.scopes for c in chosen)]
    if missing:
        raise ValidationError(f"選んだ同意は「{'・'.join(missing)}」の共有を含みません。範囲を見直してください。")
    return ids


def record_disclosure(*, request, membership, person, organisation, legal_basis, justification, scopes):
    """Record the legal-basis disclosure through the consent layer; returns the disclosure."""
    allowed = {b["code"]: b for b in legal_basis_choices(membership.organisation, organisation)}
    if legal_basis not in allowed:
        raise ValidationError("この依頼先への提供に使える法的根拠を選んでください。")
    justification = (justification or "").strip()
    if allowed[legal_basis].get("justification_required") and not justification:
        raise ValidationError("法的根拠による提供には、理由（該当する法令・相当の理由）を記入してください。")
    return consent_actions.do_record_disclosure(
        request=request, membership=membership, person=person, recipient=organisation,
        legal_basis=legal_basis, justification=justification, scopes=scopes,
        valid_until=timezone.localdate() + dt.timedelta(days=reference.disclosure_valid_days()))


def still_holds(referral) -> bool:
    """Whether the basis of the referral's sharing is still in force (withdrawal ends it at once)."""
    if referral.basis == "consent":
        chosen = list(consent_access.active_consents(referral.person, referral.to_organisation)
                      .filter(pk__in=referral.consent_ids or []))
        return all(any(s in c.scopes for c in chosen) for s in referral.scopes)
    if referral.basis == "legal" and referral.disclosure_ref:
        return consent_access.active_disclosures(referral.person, referral.to_organisation, referral.scopes).filter(
            pk=referral.disclosure_ref).exists()
    return False


def basis_label(referral) -> str:
    if referral.basis == "consent":
        return ",".join(f"consent:{i}" for i in referral.consent_ids or [])
    if referral.disclosure_ref:
        return f"{referral.legal_basis}:disclosure:{referral.disclosure_ref}"
    return ""


def end_cause(referral) -> str | None:
    """Why the referral's basis no longer holds: "withdrawn" or "expired" (consent), "ended" (a legal-basis
    disclosure ended or past its date); None while it holds."""
    if still_holds(referral):
        return None
    if referral.basis == "consent":
        chosen = list(Consent.objects.filter(pk__in=referral.consent_ids or []))
        if any(c.withdrawn_at is not None for c in chosen):
            return "withdrawn"
        return "expired"
    return "ended"


def consents_in_force(person) -> list:
    """Every consent in force for the person that names an organisation or an organisation type (the
    referral form lists them before a receiver is chosen; the check on sending narrows them)."""
    return list(consent_access.in_force(Consent.objects.filter(person=person, recipient_kind__in=["organisation",
                                                                                          "organisation_type"]))
                .select_related("recipient_organisation", "recipient_type").order_by("-valid_until", "id"))


def basis_name(referral) -> str:
    """The basis in Japanese, for pages and the case record (never the raw codes)."""
    if referral.basis == "consent":
        return "本人同意（" + "・".join(f"同意#{i}" for i in referral.consent_ids or []) + "）"
    name = legal_basis_name(referral.legal_basis) if referral.legal_basis else "法令等の根拠"
    return f"{name}（提供記録#{referral.disclosure_ref or '—'}）"
