from django.apps import AppConfig


class TextsConfig(AppConfig):
    name = "texts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 - registers the check on the console backend in production
