"""The programme's model: children, volunteers, pairings and the duties behind them.

关爱留守儿童的领域模型。This package imports nothing from ``api``, ``projections``,
``workers`` or ``aixin``; everything else depends on it.
"""
