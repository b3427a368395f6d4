"""The dashboard names a たらい回し chain once (the sender panel used to add a second heading above it)."""

import re

from django.test import Client

from renkei.accounts.models import User
from renkei.demo.loader import load_demo
from renkei.referrals import tarai


def test_wakabas_dashboard_shows_each_tarai_chain_once(db):
    load_demo()
    user = User.objects.get(username="wakaba.kanri")
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    headings = re.findall(r"<h[1-6][^>]*>([^<]*たらい回しの疑い[^<]*)</h[1-6]>", html)
    chains = tarai.flagged_chains(user.memberships.get())
    assert chains and len(headings) == len(chains)
