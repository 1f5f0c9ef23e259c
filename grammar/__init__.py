"""lagrangian.grammar"""
