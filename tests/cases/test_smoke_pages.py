from django.urls import reverse


def test_every_page_of_a_case_opens_for_its_caseworker(pref, client_for, make_person, make_consultation, make_case,
                                                        make_entry):
    person = make_person()
    consultation = make_consultation(person=person)
    case = make_case(person, needs={"medical": "moderate", "family": "severe"}, complexity="complex")
    entry = make_entry(case)
    client = client_for(pref.users.alice)
    for url in [reverse("cases:index"), reverse("cases:search") + "?q=訪問", reverse("cases:person_list"),
                reverse("cases:person_list") + "?q=やまだ", reverse("cases:person_create"),
                reverse("cases:person_detail", args=[person.pk]), reverse("cases:person_edit", args=[person.pk]),
                reverse("cases:consultation_create"), reverse("cases:consultation_create") + f"?person={person.pk}",
                reverse("cases:consultation_detail", args=[consultation.pk]),
                reverse("cases:case_create", args=[person.pk]), reverse("cases:case_detail", args=[case.pk]),
                reverse("cases:case_edit", args=[case.pk]), reverse("cases:entry_amend", args=[entry.pk]),
                reverse("cases:stats"), reverse("cases:person_pick") + "?person_query=ヤマダ", "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
