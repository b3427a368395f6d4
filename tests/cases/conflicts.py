"""The one walk through a version conflict, for every versioned form (cases/versioning.py):

1. the worker opens the form (version n); a colleague saves first (n+1);
2. the worker's save is refused: both versions side by side, the differing rows marked, everything typed
   kept, and the form still based on version n;
3. pressing 保存 again is refused again (nothing overwritten);
4. the worker takes version n+1 explicitly: the form comes back with the input, based on n+1, nothing saved;
5. only now the save is accepted.
"""

import re


def hidden_value(body: str, name: str) -> str | None:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    return found.group(1) if found else None


def walk_conflict(client, url, data: dict, *, colleague_saves, stored, theirs_text: str, yours_text: str,
                  differing_label: str, version_field="version"):
    """`data`: the worker's form as opened (with its version); `colleague_saves()` saves a newer version;
    `stored()` the stored state that must not change until the worker took the newer version."""
    opened = str(data[version_field])
    colleague_saves()
    theirs_state = stored()
    newer = None
    for attempt in range(2):  # refused, and refused again: the form keeps the version it was opened on
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 200, attempt
        assert "ほかの職員が先に保存しました" in body
        assert theirs_text in body and yours_text in body
        assert re.search(rf'<tr class="differs"><th scope="row">{re.escape(differing_label)} '
                         r'<span class="diff-flag">違いあり</span>', body), body[body.find("conflict-table"):][:3000]
        assert '<mark class="diff-theirs">' in body and '<mark class="diff-yours">' in body
        assert hidden_value(body, version_field) == opened
        assert stored() == theirs_state
        newer = re.search(r'name="take_version" value="(\d+)"', body).group(1)
        data = data | {version_field: hidden_value(body, version_field)}
    assert newer != opened
    taken = client.post(url, data | {"take_version": newer})
    body = taken.content.decode()
    assert taken.status_code == 200
    assert "を基に編集しています" in body and yours_text in body
    assert hidden_value(body, version_field) == newer
    assert stored() == theirs_state
    saved = client.post(url, data | {version_field: hidden_value(body, version_field)})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert stored() != theirs_state
