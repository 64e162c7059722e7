"""What a site really does, without a declaration: observed trackers, the no-agency audit, the draft agency file."""
