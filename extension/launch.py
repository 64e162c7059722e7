"""The `consent-qa` console script: one line naming the [qa] extra when it is not installed, else extension.cli.

extension.cli imports Selenium and the rest of consent-qa's packages at once, so the check comes first, here.
"""

import sys

from server.core import parts

EXIT_SETUP = 2


def main(argv=None):
    """Entry point of `consent-qa`."""
    if not parts.installed("qa"):
        print(f"consent-qa: error: {parts.not_installed('qa')}", file=sys.stderr)
        return EXIT_SETUP
    from extension.cli import main as run

    return run(argv)
