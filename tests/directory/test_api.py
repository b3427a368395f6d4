"""The HSDS read API answers validate against the official schemas in ../shared/hsds-3.1 (when present)
or the bundled identical copy; $refs of the OpenAPI file resolve through a local registry."""

from pathlib import Path

import pytest

from renkei.directory import schemas

SHARED = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.1" / "schema"
OFFICIAL = SHARED if (SHARED / "compiled" / "service.json").exists() else None


def valid(validator, data):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors[:5]


@pytest.mark.skipif(OFFICIAL is None, reason="shared HSDS schemas not available")
def test_the_bundled_schemas_equal_the_official_files():
    for name in schemas.FILES:
        assert schemas.load(name) == schemas.load(name, OFFICIAL), name


def test_the_root_answers_version_profile_and_openapi_url(client, small_directory):
    data = client.get("/api/hsds/").json()
    valid(schemas.root_validator(OFFICIAL), data)
    assert data["version"] == "3.1" and data["openapi_url"].endswith("/api/openapi.json")


def test_lists_are_paginated_and_every_page_validates(client, small_directory):
    first = client.get("/api/hsds/services", {"per_page": 2}).json()
    valid(schemas.page_validator("compiled/service_list.json", OFFICIAL), first)
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (5, 3, 1, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = client.get("/api/hsds/services", {"per_page": 2, "page": 3}).json()
    assert last["size"] == 1 and last["last_page"] and not last["first_page"]
    beyond = client.get("/api/hsds/services", {"per_page": 2, "page": 9}).json()
    assert beyond["empty"] and beyond["contents"] == []
    ids = [s["id"] for p in (1, 2, 3) for s in client.get("/api/hsds/services", {"per_page": 2, "page": p}).json()[
        "contents"]]
    assert len(set(ids)) == 5
    for path, item in [("/api/hsds/organizations", "compiled/organization_list.json"),
                       ("/api/hsds/service_at_locations", "compiled/service_at_location_list.json"),
                       ("/api/hsds/taxonomies", "taxonomy.json"), ("/api/hsds/taxonomy_terms", "taxonomy_term.json")]:
        page = client.get(path, {"per_page": 100}).json()
        valid(schemas.page_validator(item, OFFICIAL), page)
        assert page["total_items"] > 0, path


def test_every_service_and_organization_validates_as_compiled(client, small_directory):
    services = client.get("/api/hsds/services", {"per_page": 100}).json()["contents"]
    for item in services:
        valid(schemas.validator("compiled/service.json", OFFICIAL), client.get(f"/api/hsds/services/{item['id']}").json())
    for item in client.get("/api/hsds/organizations", {"per_page": 100}).json()["contents"]:
        for full in ("false", "true"):
            data = client.get(f"/api/hsds/organizations/{item['id']}", {"full_service": full}).json()
            valid(schemas.validator("compiled/organization.json", OFFICIAL), data)
    sal = client.get("/api/hsds/service_at_locations").json()["contents"][0]
    valid(schemas.validator("compiled/service_at_location.json", OFFICIAL),
          client.get(f"/api/hsds/service_at_locations/{sal['id']}").json())


def test_filters_search_taxonomy_organization_and_modified_after(client, small_directory):
    from renkei.directory import reference

    def names(**params):
        return sorted(s["name"] for s in client.get("/api/hsds/services", params).json()["contents"])

    assert names(search="ｽﾏｲｻﾎﾟｰﾄ") == ["居住支援（すまいサポート）"]
    housing = reference.term_id(reference.SERVICE_KIND, "housing")  # a category: includes its sub-kinds
    assert names(taxonomy_term_id=str(housing)) == ["居住支援（あんしん）", "居住支援（すまいサポート）"]
    org = small_directory.legal.organization_id
    assert names(organization_id=str(org)) == ["法律相談援助"]
    assert names(modified_after="2199-01-01T00:00:00+09:00") == []
    assert len(names(taxonomy_id=str(reference.taxonomy_id(reference.SERVICE_KIND)))) == 5
    assert client.get("/api/hsds/services", {"taxonomy_term_id": "nope"}).status_code == 422
    assert client.get("/api/hsds/services", {"per_page": 0}).status_code == 422
    assert client.get("/api/hsds/services/not-a-uuid").status_code == 404
    assert client.get("/api/hsds/organizations/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_openapi_document_still_builds(client_for, pref):
    response = client_for(pref.users.alice).get("/api/openapi.json")
    assert response.status_code == 200 and "/api/hsds/services" in response.json()["paths"]


def test_the_match_endpoint_requires_login_and_ranks_with_reasons(client, client_for, pref, small_directory):
    params = {"need": "debt-counselling", "municipality": pref.orgs.wakaba.pk}
    assert client.get("/api/directory/match", params).status_code == 401
    data = client_for(pref.users.mallory).get("/api/directory/match", params).json()
    assert data[0]["service"] == "家計改善・債務相談"
    assert "若葉町は対象地域外（対象地域: 青葉市）" in data[0]["cautions"]
    assert client_for(pref.users.mallory).get("/api/directory/match", {**params, "need": "x"}).status_code == 404
