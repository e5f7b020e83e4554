from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tickets.models import ApiToken


class Command(BaseCommand):
    help = "Make an API token that acts as USERNAME (with that user's branches and role); the key is shown once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What will use the token.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        token, raw_key = ApiToken.objects.create_token(user, name)
        self.stdout.write(f"API token '{token.name}' for {username}. Keep the key now, it is not shown again:")
        self.stdout.write(raw_key)
