from django.core.management.base import BaseCommand

from tickets.privacy import forget_old_feedback


class Command(BaseCommand):
    help = "Forget customers' notes older than their branch's retention period (run it daily, from cron)."

    def handle(self, *args, **options):
        for slug, count in forget_old_feedback().items():
            self.stdout.write(f"{slug}: {count} note{'s' if count != 1 else ''} forgotten")
