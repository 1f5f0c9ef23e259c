"""lagrangian.training"""
