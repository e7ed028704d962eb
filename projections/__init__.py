"""Read models kept from the event log: registers, timelines, as-of replays, and their runner."""
