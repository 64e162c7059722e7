"""Monitoring schedules as agency files write them: "daily", "weekly" or a five-field cron expression."""

import functools

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


# A slot further back than this is not looked for (a yearly cron's last slot is within it).
LOOK_BACK_DAYS = 400


def last_slot(schedule: str, before):
    """The schedule's latest minute strictly before `before` (a UTC datetime), within LOOK_BACK_DAYS; None if none.

    Each field is tested alone (Huey requires all five to match, so they are independent): days are walked back
    one by one, and only a matching day's hours and minutes are tried, newest first.
    """
    from datetime import timedelta

    minutes, hours, on_day = _slot_parts(schedule)
    day = before.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(LOOK_BACK_DAYS + 1):
        if on_day(day):
            for hour in hours:
                for minute in minutes:
                    slot = day.replace(hour=hour, minute=minute)
                    if slot < before:
                        return slot
        day -= timedelta(days=1)
    return None


@functools.lru_cache(maxsize=1024)
def _slot_parts(schedule):
    """(minutes, hours, newest first; a test of a day) of a schedule: every tick asks again for every agency."""
    from datetime import datetime

    from huey import crontab

    fields = cron_fields(schedule)
    base = datetime(2001, 1, 1)  # only the field under test is not "*"
    minutes = tuple(m for m in range(59, -1, -1) if crontab(minute=fields["minute"])(base.replace(minute=m)))
    hours = tuple(h for h in range(23, -1, -1) if crontab(hour=fields["hour"])(base.replace(hour=h)))
    on_day = crontab(day=fields["day"], month=fields["month"], day_of_week=fields["day_of_week"])
    return minutes, hours, on_day
