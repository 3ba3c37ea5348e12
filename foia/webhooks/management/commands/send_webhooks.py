from django.core.management.base import BaseCommand

from foia.webhooks import services


class Command(BaseCommand):
    help = "Deliver every due or stuck webhook delivery now, in this process (the beat sweep)."

    def handle(self, *args, **options):
        ids = services.due_deliveries()
        results: dict[str, int] = {}
        for pk in ids:
            result = services.deliver(pk)
            results[result] = results.get(result, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(results.items())) or "nothing due"
        self.stdout.write(summary)
