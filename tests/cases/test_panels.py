"""The panel registry of the case and person pages (renkei.cases.panels): the apps above cases register
their panels in AppConfig.ready; the pages render them by slot without loading those apps' tags."""

import pytest
from django.template import Context, Template

from renkei.cases import panels


def test_the_apps_register_their_panels_by_slot_in_order():
    assert [p.key for p in panels.panels("case.head")] == ["conferences.purpose", "discharge.progress", "admissions.legal"]
    assert [p.key for p in panels.panels("case.body")] == ["referrals.case"]
    assert [p.key for p in panels.panels("person.head")] == ["consent.badge", "admissions.person", "subject_access.links"]


def test_a_slot_renders_the_panels_that_show_something_with_only_their_context(monkeypatch, tmp_path, settings):
    (tmp_path / "probe.html").write_text("<p>{{ n }}{{ secret }}{{ csrf_token }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path],
                           "OPTIONS": {"libraries": {"case_panels": "renkei.cases.templatetags.case_panels"}}}]
    monkeypatch.setattr(panels, "_panels", {slot: [] for slot in panels.SLOTS})
    panels.register("person.head", "test.later", 20, lambda request, obj: ("probe.html", {"n": obj + 1}))
    panels.register("person.head", "test.none", 5, lambda request, obj: None)
    panels.register("person.head", "test.first", 10, lambda request, obj: ("probe.html", {"n": 0}))
    panels.register("person.head", "test.first", 10, lambda request, obj: ("probe.html", {"n": obj}))
    assert [p.key for p in panels.panels("person.head")] == ["test.none", "test.first", "test.later"]
    html = Template("{% load case_panels %}{% case_panels 'person.head' person %}").render(
        Context({"person": 1, "secret": "x", "csrf_token": "t"}))
    assert html == "<p>1t</p>\n<p>2t</p>"


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError):
        panels.register("case.footer", "test.x", 1, lambda request, obj: None)
