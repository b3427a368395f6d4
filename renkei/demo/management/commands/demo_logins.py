from django.core.management.base import BaseCommand

from renkei.demo.loader import demo_logins


class Command(BaseCommand):
    help = "デモ用のログインを表示する"

    def handle(self, *args, **options):
        logins = demo_logins()
        self.stdout.write("")
        self.stdout.write("Renkei デモ — http://127.0.0.1:8000/ （パスワードはすべて {}）".format(logins[0]["password"]))
        width = max(len(item["username"]) for item in logins)
        for item in logins:
            self.stdout.write(f"  {item['username'].ljust(width)}  {item['display_name']}  {item['where']}")
        self.stdout.write("")
