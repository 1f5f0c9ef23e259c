"""lagrangian.server"""
