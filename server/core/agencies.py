"""Every agency file of a folder, by id: built once at start-up, then only read."""

from pathlib import Path

from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_file
from server.core.agency_problems import show


class Registry:
    """All agencies, by id; built once, read by every request."""

    def __init__(self, agencies):
        self.agencies = {agency.id: agency for agency in agencies}

    @classmethod
    def from_directory(cls, directory, built_in=(), required=True):
        """Load every *.toml in the folder, plus built-in agencies; the first invalid file stops start-up."""
        directory = Path(directory)
        if not directory.is_dir():
            if required:
                raise AgencyConfigError(f"{directory}: agencies folder not found (CONSENT_AGENCIES_DIR)")
            return cls(built_in)
        agencies = [load_agency_file(path) for path in sorted(directory.glob("*.toml"))]
        for agency in built_in:
            if any(other.id == agency.id for other in agencies):
                raise AgencyConfigError(f"{agency.id}.toml: field id = {show(agency.id)}: reserved for the "
                                        "built-in demo agency (CONSENT_DEMO=1); rename the file and its id")
        return cls(agencies + list(built_in))

    def get(self, agency_id):
        return self.agencies.get(agency_id)
