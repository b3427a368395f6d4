from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .dashboard import collect_panels, log_dashboard


def dashboard(request):
    panels = collect_panels(request)
    log_dashboard(request, panels)
    return render(request, "core/dashboard.html", {"panels": panels, "today": timezone.localdate()})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
