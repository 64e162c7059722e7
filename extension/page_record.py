"""What the runner keeps of one checked page for the reports and monitoring (the journey's raw facts stay behind)."""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields

from extension.cookies import page_cookies


@dataclass(frozen=True)
class PageRecord:
    """One page as reported: screenshots (PNG bytes by phase), cookies, next link, time, or why it was not checked."""

    url: str
    screenshots: dict = field(default_factory=dict)
    cookies: list = field(default_factory=list)
    next_url: str | None = None
    error: str | None = None
    seconds: float | None = None
    # The name of another consent platform whose banner was judged, when one was recognised.
    platform: str | None = None

    @classmethod
    def of_journey(cls, journey: dict, seconds: float) -> "PageRecord":
        """The record of a page the journey went through (`driver.check_page`'s facts)."""
        return cls(url=journey["url"], screenshots=dict(journey.get("screenshots") or {}),
                   cookies=page_cookies(journey), next_url=(journey.get("next") or {}).get("url"),
                   seconds=seconds, platform=(journey.get("platform") or {}).get("name"))

    def to_dict(self) -> dict:
        """report.json's page entry, in its key order (the report puts the screenshots' file names in)."""
        return {item.name: getattr(self, item.name) for item in fields(self)}
