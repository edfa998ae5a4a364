"""Action 4, the Relais COP21 network: the space where labelled associations exchange (topics,
meetings, a showcase of their actions) and pool animation tools (a library and loans of copies).

Its own sub-package of `associations` because the label of action 3 says who belongs.
"""
