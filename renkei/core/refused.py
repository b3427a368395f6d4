"""A small form on a detail page that posts elsewhere and redirects back: when it is refused, what was
typed and the Japanese messages come back in the form on the page it returns to.

`keep(request, form, page_path, error)` before the redirect; `restore(request, form)` when the page
builds the (unbound) form. Kept in the session under the page and form class, read once.
"""

from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

SESSION_KEY = "refused_forms"
NON_FIELD = "__all__"


def _key(path: str, form) -> str:
    return f"{path}|{type(form).__name__}"


def keep(request, form, page_path: str, error=None) -> None:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    if error is not None:
        errors.setdefault(NON_FIELD, []).extend(error.messages)
    data = {name: form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data[name]]
            for name in form.data if name != "csrfmiddlewaretoken"}
    stash = request.session.get(SESSION_KEY) or {}
    stash[_key(page_path, form)] = {"data": data, "errors": errors}
    request.session[SESSION_KEY] = stash


def restore(request, form):
    """The form bound again to what was typed, with its messages, if it was refused; else as given."""
    stash = request.session.get(SESSION_KEY) or {}
    kept = stash.pop(_key(request.path, form), None)
    if kept is None:
        return form
    request.session[SESSION_KEY] = stash
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    form.data, form.files, form.is_bound = data, MultiValueDict(), True
    form._errors = ErrorDict({name: form.error_class(messages, renderer=form.renderer)
                              for name, messages in kept["errors"].items()}, renderer=form.renderer)
    return form
