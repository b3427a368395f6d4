"""The case timeline (rendered in Python for speed) escapes everything a worker wrote."""

from django.urls import reverse

from renkei.cases import actions


def test_the_timeline_escapes_what_workers_wrote(pref, client_for, make_person, make_case, make_entry,
                                                 make_consultation):
    alice = pref.memberships.alice
    person = make_person()
    case = make_case(person)
    make_consultation(membership=alice, person=person, content="母から<b>電話</b>\n「A & B」")
    entry = make_entry(case, body="<script>alert(1)</script>\n二行目", membership=alice)
    actions.do_amend_entry(request=None, membership=alice, entry=entry, version=1, body="訂正<i>後</i>",
                           reason="<u>誤字</u>")
    actions.do_mark_entry_in_error(request=None, membership=alice, entry=entry, version=2, reason="別人<の>記録")
    body = client_for(pref.users.alice).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;<br>二行目" in body
    assert "母から&lt;b&gt;電話&lt;/b&gt;<br>「A &amp; B」" in body
    assert "訂正&lt;i&gt;後&lt;/i&gt;" in body and "（理由: &lt;u&gt;誤字&lt;/u&gt;）" in body
    assert "誤記入: 別人&lt;の&gt;記録" in body and 'class="entry in-error"' in body
    assert "修正・誤記入</a>" not in body  # an entry marked in error is not amended again
