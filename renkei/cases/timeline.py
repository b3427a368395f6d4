"""The case timeline: record entries of the case and the person's consultations, newest first.

A fixed number of queries whatever its length: entries (with author and error_by), the revisions of the
amended entries only (one query), and the consultations."""

from collections import defaultdict
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from renkei.core.templatetags.wareki import wareki, wareki_datetime

from . import access
from .models import RecordRevision


@dataclass
class Item:
    kind: str  # "entry" | "consultation"
    at: object
    obj: object
    url: str = ""  # the entry's amend page, the consultation's page


def _url_pattern(name: str) -> str:
    """`reverse` once per page, not once per item (the timeline has up to 200)."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def case_timeline(membership, case, limit: int = 200) -> list[Item]:
    # Only the relations the page shows: every entry's case is `case`, and a consultation's person is the
    # case's person (loading them again per row was most of the page's time on a long timeline).
    entries = list(access.entries_visible_to(membership).filter(case=case).select_related(None)
                   .select_related("author", "error_by")[:limit])
    history = defaultdict(list)
    amended = [e.pk for e in entries if e.is_amended]
    if amended:
        for revision in RecordRevision.objects.filter(entry__in=amended).select_related("by").order_by("number"):
            history[revision.entry_id].append(revision)
    for e in entries:
        e.history = history.get(e.pk, [])
        e.case = case
    consultations = list(access.consultations_visible_to(membership).filter(person=case.person)
                         .select_related(None).select_related("staff")[:limit])
    for c in consultations:
        c.person = case.person
    amend, detail = _url_pattern("cases:entry_amend"), _url_pattern("cases:consultation_detail")
    items = [Item("entry", e.occurred_at, e, amend.format(e.pk)) for e in entries]
    items += [Item("consultation", c.occurred_at, c, detail.format(c.pk)) for c in consultations]
    return sorted(items, key=lambda i: (i.at, i.obj.pk), reverse=True)[:limit]


# --- the timeline as HTML ------------------------------------------------------------------------------
# The timeline is the case page's hot loop (up to 200 items, each some twenty lookups): rendered here with
# format_html — every value escaped — instead of in the template, where it took most of the page's time.
def _text(value) -> str:
    return "" if value is None else str(value)


def _entry_html(item: Item, can_edit: bool) -> str:
    e = item.obj
    badges = []
    if e.is_amended:
        badges.append(format_html('<span class="badge warn">修正あり（第{}版）</span>', e.revision_count))
    if e.entered_in_error:
        badges.append(mark_safe('<span class="badge danger">誤記入</span>'))  # noqa: S308 — constant
    if can_edit and not e.entered_in_error:
        badges.append(format_html('<a href="{}">修正・誤記入</a>', item.url))
    parts = [format_html('<li id="entry-{}" class="entry{}"><p class="meta">{}・<span class="badge">{}</span>・{}{}</p>',
                         e.pk, " in-error" if e.entered_in_error else "", wareki_datetime(e.occurred_at),
                         e.kind_name, _text(e.author), mark_safe("".join(f" {b}" for b in badges)))]  # noqa: S308
    if e.entered_in_error:
        parts.append(format_html('<p class="error-note">誤記入: {}（{}・{}）</p>', e.error_reason, _text(e.error_by),
                                 wareki_datetime(e.error_at)))
    parts.append(format_html('<div class="record-body">{}</div>', linebreaksbr(e.body, autoescape=True)))
    if e.follow_up_on:
        parts.append(format_html('<p class="follow-up">次回確認日: {}</p>', wareki(e.follow_up_on)))
    if e.is_amended:
        revisions = format_html_join("", '<li>第{}版・{}・{}{}<div class="record-body old">{}</div></li>', (
            (r.number, wareki_datetime(r.at), _text(r.by), format_html("（理由: {}）", r.reason) if r.reason else "",
             linebreaksbr(r.body, autoescape=True)) for r in e.history))
        parts.append(format_html('<details><summary>修正の履歴</summary><ol class="revisions">{}</ol></details>',
                                 revisions))
    parts.append(mark_safe("</li>"))
    return "".join(parts)


def _consultation_html(item: Item) -> str:
    c = item.obj
    return format_html(
        '<li class="consultation"><p class="meta">{}・<span class="badge">相談（{}）</span>・{}から・{}・{} '
        '<a href="{}">詳細</a></p><div class="record-body">{}</div></li>',
        wareki_datetime(c.occurred_at), c.channel_name, c.consulter_name, c.category_name, _text(c.staff), item.url,
        linebreaksbr(c.content, autoescape=True))


def timeline_html(items: list[Item], can_edit: bool) -> SafeString:
    """The `<li>`s of the timeline (the page wraps them in its `<ol class="timeline">`)."""
    if not items:
        return mark_safe("<li>記録はまだありません。</li>")
    return mark_safe("\n".join(  # noqa: S308 — every piece is format_html output
        _entry_html(i, can_edit) if i.kind == "entry" else _consultation_html(i) for i in items))
