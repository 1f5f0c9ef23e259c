"""Effective field theory: operators of any mass dimension, with derivatives and field
strengths, modulo integration by parts and the equations of motion.

``generators`` turns a model into the letters operators are made of, ``hilbert`` counts the
independent operators of every field content with the Hilbert series, ``operators`` names
them by class and pairs each content with its conjugate for the command line and the editor.
"""
