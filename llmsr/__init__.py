"""lagrangian.llmsr"""
