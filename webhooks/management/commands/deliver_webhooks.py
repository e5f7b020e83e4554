from django.core.management.base import BaseCommand

from webhooks.worker import run


class Command(BaseCommand):
    help = "Deliver the signed webhooks and the customers' text messages, retrying what fails, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks when nothing is due.")
        parser.add_argument("--once", action="store_true", help="One round, then stop.")

    def handle(self, *args, poll, once, **options):
        run(poll_seconds=poll, once=once)
