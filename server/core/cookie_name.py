"""The opt-out cookie's name, in a module without Flask: the equal-access checker sends it outside any request."""

OPT_OUT_COOKIE = "consent_optout"
