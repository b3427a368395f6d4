from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .dashboard import collect_panels


def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": collect_panels(request), "today": timezone.localdate()})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
