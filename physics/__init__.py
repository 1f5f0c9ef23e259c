"""lagrangian.physics"""
