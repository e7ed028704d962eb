"""The demo county (演示数据): ``aixin demo`` fills an empty store with two years of a realistic
programme in 钟祥市, Hubei, through the same use cases as the API.

Entry point: :func:`aixin.demo.build.build_demo`; the command: :mod:`aixin.commands.demo`.
Nothing is imported here, so the ``aixin`` command starts fast.
"""
