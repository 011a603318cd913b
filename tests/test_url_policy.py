"""Every page and every API endpoint goes through the policy (or says why it is open)."""

from django.urls import URLPattern, URLResolver, get_resolver

from ciodispatch import policy
from ciodispatch.urls import api

# Framework views with no data of their own.
FRAMEWORK_VIEWS = {"set_language"}
# The only reasons a view may give for not naming a policy action.
OPEN_MARKERS = {
    "public",
    "public: secret calendar token",
    "signed-in: second factor",
    "signed-in: own password",
}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _declared(callback):
    marker = getattr(callback, "policy_action", None)
    if marker is None:
        marker = getattr(getattr(callback, "view_class", None), "policy_action", None)
    return marker


def test_every_page_declares_its_policy():
    undeclared = []
    for route, callback in _patterns(get_resolver()):
        if route.startswith("api/") or callback.__name__ in FRAMEWORK_VIEWS:
            continue
        marker = _declared(callback)
        if marker is None or (not isinstance(marker, policy.Action) and marker not in OPEN_MARKERS):
            undeclared.append(f"{route} ({callback.__module__}.{callback.__name__})")
    assert not undeclared, "views without a policy: " + ", ".join(undeclared)


def test_every_api_operation_is_guarded():
    operations = [
        operation
        for router_prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]
    assert operations
    unguarded = [op.view_func.__name__ for op in operations if not _declared(op.view_func)]
    assert not unguarded
