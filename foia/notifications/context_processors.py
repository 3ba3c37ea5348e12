def unread_notifications(request) -> dict:
    """The unread count for the nav badge: one indexed COUNT, only for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": count}
