from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "renkei.directory"
    label = "directory"
    verbose_name = "機関ディレクトリ"
    nav = [
        {"label": "機関ディレクトリ", "url": "directory:search", "perm": "directory.view", "order": 40},
        {"label": "最適な連携先を探す", "url": "directory:match", "perm": "directory.view", "order": 41},
    ]

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import reference

        post_migrate.connect(reference.sync_after_migrate, sender=self)
