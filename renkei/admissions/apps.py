from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "renkei.admissions"
    label = "admissions"
    verbose_name = "入院等関係事務"
    # admission.view is given to 保健所 staff only (accounts/data/organisation_types.json type_permissions)
    nav = [{"label": "入院等関係事務", "url": "admissions:index", "perm": "admission.view", "order": 38}]

    def ready(self):
        from renkei.cases import panels as case_panels

        from . import panels

        case_panels.register("case.head", "admissions.legal", 30, panels.case_legal_status)
        case_panels.register("person.head", "admissions.person", 20, panels.person_admissions)
