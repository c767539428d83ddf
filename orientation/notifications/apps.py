from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "orientation.notifications"
    label = "notifications"
