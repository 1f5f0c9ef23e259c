"""How papers write Lagrangians, read and written.

Reading: four-component (Dirac) notation onto the engine's Weyl fields (``weyl``), and the
contractions papers choose without writing indices, by brackets (``brackets``) and by
matrix products and traces (``matrices``).  Writing: the paper form of a complete
Lagrangian in either notation (``latex``), which the reading side must take back to the
same invariants.
"""
