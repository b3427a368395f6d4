"""JSON API of support teams and case conferences (`/api/conferences/`)."""

from ninja import Router

router = Router(tags=["支援チーム・会議"])
