from django.utils.functional import SimpleLazyObject


def notices(request):
    """``unread_notices``: how many notices the signed-in user has not read (one count on the
    partial index, run only if the page shows it); nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from ciodispatch.notices.services import unread_count

    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
