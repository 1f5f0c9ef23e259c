"""lagrangian.model"""
