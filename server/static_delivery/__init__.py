"""Static delivery: every agency's banner.js and notice as served-file records, for the routes, in-process and nginx."""
