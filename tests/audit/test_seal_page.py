"""The supervisor's 監査ログの封印 page shows, downloads and makes the seal line; every use is audited."""

from django.core.management import call_command

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event
from renkei.audit.models import AuditEvent, AuditSeal


def test_a_supervisor_makes_a_seal_and_sees_its_line_in_japanese(pref, client_for):
    log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    client = client_for(pref.users.bob)
    assert "まだ封印はありません" in client.get("/audit/seal/").content.decode()
    response = client.post("/audit/seal/")
    assert response.status_code == 302
    seal = sealing.stored_seal(AuditSeal.objects.get())
    page = client.get("/audit/seal/").content.decode()
    assert "最新の封印" in page and seal.line in page and "いま封印する" in page
    actions = list(AuditEvent.objects.filter(actor=pref.users.bob).values_list("action", flat=True))
    assert {"audit.sealed", "audit.seal_viewed"} <= set(actions)


def test_the_downloaded_seal_file_verifies_the_log(pref, client_for, tmp_path):
    log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    client = client_for(pref.users.bob)
    client.post("/audit/seal/")
    response = client.get("/audit/seal/", {"format": "txt"})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-seal-')
    kept = tmp_path / "seal.txt"
    kept.write_bytes(response.content)
    call_command("verify_audit", "--against", str(kept))
    assert AuditEvent.objects.filter(actor=pref.users.bob, action="audit.seal_downloaded").exists()


def test_seal_audit_prints_one_line_and_appends_it(pref, tmp_path, capsys):
    log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    kept = tmp_path / "kept.txt"
    call_command("seal_audit", "--append", str(kept))
    line = capsys.readouterr().out.strip()
    assert line.startswith("renkei-audit-seal v1 ") and kept.read_text().strip() == line
    call_command("verify_audit", "--against", line)


def test_the_seal_page_is_for_supervisors_only(pref, client_for):
    for user in [pref.users.alice, pref.users.carol, pref.users.erin]:
        client = client_for(user)
        assert client.get("/audit/seal/").status_code == 404
        assert client.post("/audit/seal/").status_code == 404
    assert not AuditSeal.objects.exists()


def test_the_seal_job_seals_new_entries_and_a_second_run_adds_no_seal(pref, run_job_twice):
    log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    first, second = run_job_twice("audit.seal")
    assert first.summary.startswith("監査ログを封印しました") and second.summary.startswith("前回の封印のあとに")
    assert AuditSeal.objects.count() == 1
    assert AuditEvent.objects.filter(action="audit.sealed", actor_label="run_jobs").count() == 1
    log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    run_job_twice("audit.seal")
    assert AuditSeal.objects.count() == 2
