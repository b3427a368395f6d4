from ninja import Router

router = Router(tags=["directory"])

# Open Referral HSDS 3.1 read API: directory data is not personal data, so it answers without login
# (settings.HSDS_PUBLIC; a deployment may turn that off).
hsds_router = Router(tags=["hsds"])
