from datetime import datetime

from renkei.directory import matching
from renkei.directory.models import TaxonomyTerm
from renkei.directory.reference import SERVICE_KIND, term_id

TOKYO_TUESDAY_10 = datetime.fromisoformat("2026-11-24T10:00:00+09:00")


def query(code, municipality, **kw):
    need = TaxonomyTerm.objects.get(pk=term_id(SERVICE_KIND, code))
    return matching.MatchQuery(need=need, municipality=municipality, at=TOKYO_TUESDAY_10, **kw)


def test_housing_for_wakaba_puts_the_service_with_room_first_and_says_why(pref, small_directory):
    ranked = matching.rank(query("housing-support", pref.orgs.wakaba))
    assert [i.service for i in ranked] == [small_directory.housing_open, small_directory.housing_full]
    top, full = ranked
    assert top.reasons == ["サービス種別が一致: 居住支援", "若葉町を対象地域に含む", "空きあり（受入枠 2／15）",
                           "現在、受付時間内"]
    assert full.cautions == ["空きなし（受入枠 0／10）"] and "都道府県全域が対象地域" in full.reasons
    assert top.score > full.score


def test_a_service_outside_the_area_ranks_below_one_in_the_same_domain_inside_it(pref, small_directory,
                                                                                   make_service):
    loans = make_service("若葉町社会福祉協議会", "生活福祉資金", kinds=["independence-support"], areas=[pref.orgs.wakaba])
    ranked = matching.rank(query("debt-counselling", pref.orgs.wakaba))
    assert [i.service for i in ranked] == [loans, small_directory.debt_aoba]
    assert ranked[0].reasons[0] == "同じ生活領域（生活困窮・経済）のサービス: 自立相談支援"
    assert ranked[1].cautions == ["若葉町は対象地域外（対象地域: 青葉市）"]
    assert [i.service for i in matching.rank(query("debt-counselling", pref.orgs.aoba))][0] == small_directory.debt_aoba


def test_accessibility_and_language_wishes_add_reasons_or_cautions(pref, small_directory, make_service):
    ranked = matching.rank(query("legal-consultation", pref.orgs.aoba, accessibility=("wheelchair",),
                                 language="en"))
    assert ranked[0].service == small_directory.legal
    assert "車椅子で利用できる" in ranked[0].reasons and "英語対応の情報なし" in ranked[0].cautions
    alcohol = matching.rank(query("addiction-alcohol", pref.orgs.aoba, language="en"))[0]
    assert "英語に対応" in alcohol.reasons and "車椅子で利用できるかどうかの情報なし" not in alcohol.cautions


def test_ties_break_by_name_then_id_and_the_order_is_stable(pref, make_service):
    names = ["ぴあさぽ C", "ぴあさぽ A", "ぴあさぽ B"]
    for n in names:
        make_service(n, n, kinds=["peer-support"], areas=[pref.orgs.aoba])
    ranked = matching.rank(query("peer-support", pref.orgs.aoba))
    assert [i.service.name for i in ranked] == sorted(names)
    assert len({i.score for i in ranked}) == 1
    assert [i.service.pk for i in matching.rank(query("peer-support", pref.orgs.aoba))] == [i.service.pk for i in ranked]


def test_performance_figures_from_referrals_can_be_supplied_later(pref, small_directory):
    q = query("housing-support", pref.orgs.aoba)
    base = {i.service.pk: i.score for i in matching.rank(q)}

    def figures(service):
        if service == small_directory.housing_full:
            return matching.Performance(acceptance_rate=1.0, median_response_hours=12)
        return None

    ranked = matching.rank(q, performance=figures)
    full = next(i for i in ranked if i.service == small_directory.housing_full)
    assert full.score == base[full.service.pk] + 20 + 6
    assert "これまでの連携依頼の受諾率 100%" in full.reasons and "回答までの時間の中央値 12時間" in full.reasons
    matching.register_performance_source(figures)
    try:
        assert {i.service.pk: i.score for i in matching.rank(q)} == {i.service.pk: i.score for i in ranked}
    finally:
        matching.unregister_performance_source(figures)
    assert {i.service.pk: i.score for i in matching.rank(q)} == base


def test_a_paused_service_is_cautioned(pref, small_directory, make_service):
    make_service("休止中の住まい支援", "住まい相談（休止）", kinds=["housing-support"], areas=[pref.orgs.aoba],
                 accepting=False)
    item = next(i for i in matching.rank(query("housing-support", pref.orgs.aoba)) if i.service.name.endswith("休止）"))
    assert "現在、連携依頼の受付を停止中" in item.cautions and "受付時間の登録なし" in item.cautions
