"""The registers: current state of children, volunteers, pairings and open concerns."""
