"""Static delivery: every agency's banner.js and notice as pre-built files, for nginx, a CDN, or in-process."""
