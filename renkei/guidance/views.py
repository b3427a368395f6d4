from django.shortcuts import render

from renkei.accounts.access import require_perm
from renkei.core import query

from .engine import check_facts, load_rules, recommend, suggest_escalation
from .forms import SituationForm
from .present import describe

RESULTS_TARGET = "guidance-results"


@query.reads(SituationForm)
def guidance_page(request):
    """Describe a situation, see which duties of the guideline apply (no person data: nothing is stored)."""
    require_perm(request, "directory.view")
    bound = any(name in request.GET for name in SituationForm.base_fields)
    if bound:
        form = SituationForm(request.GET)
    else:
        form = SituationForm(initial={"acting_org_type": request.membership.organisation.type.code,
                                      "complexity": "normal"})
    context = {"form": form, "bound": bound, "ruleset": load_rules(), "results_target": RESULTS_TARGET}
    if bound and form.is_valid():
        facts = form.facts()
        for name, message in check_facts(facts).items():
            form.add_error(name, message)
        if form.is_valid():
            context["recommendations"] = [describe(r) for r in recommend(facts)]
            escalation = suggest_escalation(facts.acting_org_type, facts.complexity)
            context["escalation"] = describe(escalation) if escalation else None
    template = "guidance/page.html"
    if request.htmx and request.htmx.target == RESULTS_TARGET:
        template = "guidance/_results.html"
    return render(request, template, context)
