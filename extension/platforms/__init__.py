"""Other consent platforms (OneTrust, Cookiebot, vanilla-cookieconsent, ...): recognised and operated by autoconsent."""
