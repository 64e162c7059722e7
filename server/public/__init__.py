"""One blueprint per concern; the factory registers them."""
