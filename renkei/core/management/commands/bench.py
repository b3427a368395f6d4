"""`make bench`: runs every app's benchmarks (a module `renkei/<app>/bench.py` with `run(out)`),
on a throwaway database, and prints the figures. Never part of the test suite.

A bench module may add its own options with `add_arguments(parser)`; it then receives the parsed
options as `run(out, options=...)` (e.g. `manage.py bench cases --persons 1000 --entries 5000`)."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


def _bench_modules(wanted=()):
    for config in apps.get_app_configs():
        if not config.name.startswith("renkei.") or (wanted and config.label not in wanted):
            continue
        try:
            module = import_module(f"{config.name}.bench")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.bench":
                raise
            continue
        yield config, module


class Command(BaseCommand):
    help = "各機能のベンチマークを実行して計測値を表示する"

    def add_arguments(self, parser):
        parser.add_argument("apps", nargs="*", help="対象のアプリ（省略時はすべて）")
        for _config, module in _bench_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **options):
        from django.db import connection

        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        try:
            self._run(set(options["apps"]), options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, wanted, options):
        for config, module in _bench_modules(wanted):
            self.stdout.write(f"== {config.label} ==")
            if hasattr(module, "add_arguments"):
                module.run(self.stdout, options=options)
            else:
                module.run(self.stdout)
