"""The console in a real browser: headless Chromium against a real `aixin serve`."""
