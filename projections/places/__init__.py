"""Places by name: the national list of divisions (county and above) and the programme's own
register of townships and villages, read through one lookup (:mod:`projections.places.names`)."""
