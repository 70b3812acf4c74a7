"""Fengqiao (枫桥): the closed loop of a community police station."""
