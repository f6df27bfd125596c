"""One parser per upstream format; each turns a source row into a `Record`."""
