from tests.consent.conftest import consent_to, world  # noqa: F401  (a person with a case, and consents)
