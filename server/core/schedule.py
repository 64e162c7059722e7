"""Monitoring schedules as agency files write them: "daily", "weekly" or a five-field cron expression."""

# Named schedules, in UTC: early morning in Massachusetts, before the working day.
NAMED = {"daily": "0 9 * * *", "weekly": "0 9 * * 1"}
FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def cron_fields(schedule: str) -> dict:
    """The five cron fields of a schedule, by name; ValueError with a reason when it is not one."""
    expression = NAMED.get(schedule, schedule)
    parts = expression.split()
    if len(parts) != len(FIELDS):
        raise ValueError('must be "daily", "weekly" or a cron expression of five fields '
                         "(minute hour day month day-of-week)")
    return dict(zip(FIELDS, parts, strict=True))


def schedule_test(schedule: str):
    """A function telling whether a UTC minute (a datetime) is one the schedule runs at."""
    # Huey (and through it Redis) loads only when a schedule is read, so the agency schema stays light for consent-qa.
    from huey import crontab

    fields = cron_fields(schedule)
    try:
        return crontab(**fields, strict=True)
    except ValueError as error:
        raise ValueError(f"not a valid cron expression ({error})") from None
