"""The team deployment for a trial on one machine (`make team`): PostgreSQL, a Chroma server, a trial login provider,
app replicas and an nginx front door, each a foreground process on loopback, started and stopped together. The
product never imports this package; the tests and the team benchmark do."""
