from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "renkei.subject_access"
    label = "subject_access"
    verbose_name = "本人開示"

    def ready(self):
        from renkei.cases import panels as case_panels

        from . import panels

        case_panels.register("person.head", "subject_access.links", 30, panels.person_links)
