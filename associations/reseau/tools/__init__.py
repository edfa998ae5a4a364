"""The tool library of the Relais COP21 network: animation tools (games, exhibitions, kits,
guides, videos) that labelled associations and the Métropole offer, and the loans of their
physical copies from one association to the next, never double-booked."""
