"""System checks: trigram search needs a UTF-8 PostgreSQL database (with plain SQL_ASCII/C no trigrams)."""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def postgres_is_utf8(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
                           "WHERE datname = current_database()")
            encoding, ctype = cursor.fetchone()
        if encoding.upper() != "UTF8":
            errors.append(Error(
                f"PostgreSQL データベース {connection.settings_dict['NAME']} の文字コードが {encoding} です。"
                "日本語の全文検索（pg_trgm）には UTF8 が必要です。",
                hint="CREATE DATABASE … ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' で作り直してください。",
                id="cases.E001",
            ))
        elif "utf" not in ctype.lower().replace("-", ""):
            errors.append(Error(
                f"PostgreSQL データベース {connection.settings_dict['NAME']} の LC_CTYPE が {ctype} です。"
                "pg_trgm は日本語の trigram を作れず、検索が全件走査になります。",
                hint="LC_CTYPE 'C.UTF-8' などの UTF-8 ロケールで作り直してください。",
                id="cases.E002",
            ))
    return errors
