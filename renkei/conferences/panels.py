"""The support team's purpose at the top of a case page: a panel of the case page (renkei.cases.panels),
registered in ConferencesConfig.ready."""

from .summary import purpose_for


def case_purpose(request, case):
    purpose = purpose_for(case, getattr(request, "membership", None))
    return ("conferences/_case_purpose.html", {"purpose": purpose}) if purpose is not None else None
