"""What the service builds once at start-up and every request reads."""

from dataclasses import dataclass

from server.registry import Registry
from server.tokens import TokenService


@dataclass(frozen=True)
class ConsentState:
    registry: Registry
    tokens: TokenService
