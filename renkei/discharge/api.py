"""JSON API of discharge support, the inpatient visit support programme and outreach."""

from ninja import Router

router = Router(tags=["discharge"])
