from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "renkei.directory"
    label = "directory"
    verbose_name = "機関ディレクトリ"
