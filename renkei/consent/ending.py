"""The end of a sharing basis, told at once to the apps whose work rests on it.

When a consent is withdrawn or a legal-basis disclosure ended early, the consent action calls
`basis_ended(...)` inside its transaction; apps that keep live work on a basis (a referral, a support
team) register a listener with `on_basis_ended(fn)` in their AppConfig.ready. Expiry by the clock has no
action to hook into: those apps find lapsed bases themselves (a daily command and a check on read).

A listener is called as `fn(request=..., membership=..., consent=..., disclosure=..., cause=...)` with
`cause` one of "withdrawn" (consent), "ended" (disclosure); exactly one of consent/disclosure is given.
"""

_listeners = []

# How a consent stopped counting, in words (the names of referrals' basis-ended reasons say the same).
CAUSE_NAMES = {"withdrawn": "同意の撤回", "expired": "同意期限切れ"}


def cause_name(cause: str) -> str:
    return CAUSE_NAMES[cause]


def on_basis_ended(fn) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def basis_ended(*, request, membership, cause: str, consent=None, disclosure=None) -> None:
    for fn in list(_listeners):
        fn(request=request, membership=membership, consent=consent, disclosure=disclosure, cause=cause)
