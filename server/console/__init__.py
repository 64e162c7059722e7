"""What every staff page shares (layout templates, the form base, notices, dumping) and the features' registration."""
