"""A co-worker's place on a case stores the membership it was given to (cases.CaseCoWorker, the table the
plain many-to-many already had, with a `membership` column).

Existing rows get the user's active working membership (a role with person.edit) in an organisation whose
members may join the case's organisation's cases (the rule of cases.forms.team_case_organisations): the one
in the case's own organisation first, else the lowest id. A row whose user has no such membership keeps an
empty membership — it opens nothing, as the rule already gave it nothing — and is printed by `migrate`
(case id, user id) so that the case can be saved with the co-worker chosen again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _edit_roles():
    from renkei.accounts.roles import ROLES

    return [code for code, role in ROLES.items() if "person.edit" in role.permissions]


def _joinable(org):
    """Ids of the organisations whose cases a member of `org` may join (None: every one)."""
    if org.type.code == "mhw_centre":
        return None
    ids = {org.pk}
    ids |= set(org.jurisdiction.values_list("pk", flat=True))
    ids |= set(org.health_centres.filter(type__code="health_centre").values_list("pk", flat=True))
    return ids


def forward(apps, schema_editor):
    Place = apps.get_model("cases", "CaseCoWorker")
    Membership = apps.get_model("accounts", "Membership")
    roles, joinable, unplaced = _edit_roles(), {}, []
    for place in Place.objects.select_related("case").order_by("pk"):
        candidates = []
        for m in (Membership.objects.filter(user_id=place.user_id, is_active=True, role__in=roles,
                                            organisation__is_active=True)
                  .select_related("organisation__type").order_by("pk")):
            if m.organisation_id not in joinable:
                joinable[m.organisation_id] = _joinable(m.organisation)
            orgs = joinable[m.organisation_id]
            if orgs is None or place.case.organisation_id in orgs:
                candidates.append(m)
        if not candidates:
            unplaced.append((place.case_id, place.user_id))
            continue
        chosen = next((m for m in candidates if m.organisation_id == place.case.organisation_id), candidates[0])
        Place.objects.filter(pk=place.pk).update(membership_id=chosen.pk)
    if unplaced:
        print(f"\n  cases.0006: {len(unplaced)} co-worker place(s) kept without a membership (they open nothing "
              "until the case is saved with the co-worker chosen again): "
              + ", ".join(f"case {case} user {user}" for case, user in unplaced))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_two_factor"),
        ("cases", "0005_person_finder_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseCoWorker",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                   related_name="co_worker_places", to="cases.case")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"verbose_name": "ケースの協働者", "db_table": "cases_case_co_workers",
                             "unique_together": {("case", "user")}},
                ),
                migrations.AlterField(
                    model_name="case",
                    name="co_workers",
                    field=models.ManyToManyField(blank=True, related_name="co_cases", through="cases.CaseCoWorker",
                                                 to=settings.AUTH_USER_MODEL, verbose_name="副担当・協働者"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="casecoworker",
            name="membership",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="co_worker_places", to="accounts.membership"),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
