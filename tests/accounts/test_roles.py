"""The role → permission table is the one place that says what each role may do."""

import pytest

from renkei.accounts.roles import PERMISSIONS, ROLES, role_has_perm

EXPECTED = {
    # permission:            caseworker, supervisor, viewer, partner, peer
    "dashboard.view":        (True, True, True, True, True),
    "person.view":           (True, True, True, False, False),
    "person.edit":           (True, True, False, False, False),
    "shared.view":           (True, True, True, True, False),
    "assignment.view":       (False, False, False, False, True),
    "referral.send":         (True, True, False, True, False),
    "referral.respond":      (True, True, False, True, False),
    "conference.manage":     (True, True, False, False, False),
    "conference.attend":     (True, True, True, True, True),
    "directory.view":        (True, True, True, True, True),
    "directory.edit":        (False, True, False, False, False),
    "consent.manage":        (True, True, False, False, False),
    "breakglass.use":        (True, True, False, False, False),
    "report.view":           (True, True, True, False, False),
    "staff.manage":          (False, True, False, False, False),
    "org.settings":          (False, True, False, False, False),
    "audit.view":            (False, True, False, False, False),
    "admission.view":        (True, True, True, False, False),
    "admission.edit":        (True, True, False, False, False),
    "network.view":          (True, True, True, True, False),
    "network.edit":          (True, True, False, False, False),
}
ROLE_ORDER = ["caseworker", "supervisor", "viewer", "partner", "peer"]


def test_every_permission_is_in_the_expected_table():
    assert set(EXPECTED) == set(PERMISSIONS)
    assert list(ROLES) == ROLE_ORDER


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_each_role_has_exactly_the_expected_permissions(perm):
    for role, allowed in zip(ROLE_ORDER, EXPECTED[perm], strict=True):
        assert role_has_perm(role, perm) is allowed, (role, perm)


def test_viewers_cannot_write_anything():
    writes = {"person.edit", "referral.send", "referral.respond", "conference.manage", "consent.manage",
              "directory.edit", "staff.manage", "org.settings", "breakglass.use", "admission.edit"}
    assert not writes & ROLES["viewer"].permissions


def test_unknown_permissions_are_a_programming_error():
    with pytest.raises(KeyError):
        role_has_perm("caseworker", "person.delete")


def test_inactive_membership_grants_nothing(pref):
    membership = pref.memberships.bob
    membership.is_active = False
    assert not membership.has_perm("staff.manage")


def test_admission_paperwork_is_the_health_centres_alone(pref):
    """入院等関係事務 is a 保健所 duty: the role table gives it, the organisation type narrows it."""
    assert pref.memberships.hana.has_perm("admission.edit")
    assert pref.memberships.hiro.has_perm("admission.view")
    assert "admission.edit" in pref.memberships.hana.permissions
    for name in ("alice", "bob", "sam", "mallory"):
        membership = getattr(pref.memberships, name)
        assert not membership.has_perm("admission.view"), name
        assert not {"admission.view", "admission.edit"} & membership.permissions, name
    assert membership.has_perm("person.edit")  # the other permissions follow the role alone


def test_a_health_centre_viewer_reads_admission_paperwork_but_records_nothing(pref):
    from renkei.accounts.models import Membership

    viewer = Membership.objects.create(user=pref.users.carol, organisation=pref.orgs.hc, role="viewer")
    assert viewer.has_perm("admission.view") and not viewer.has_perm("admission.edit")
