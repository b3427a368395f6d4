"""JSON API of referrals (`/api/referrals/`) and the FHIR R4 read interchange (`/api/fhir/`)."""

from ninja import Router

router = Router(tags=["連携依頼"])
fhir_router = Router(tags=["FHIR"])
