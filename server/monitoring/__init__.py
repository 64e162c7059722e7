"""The service's side of monitoring: what agency files may say about it (the worker is the top-level `monitoring`)."""
