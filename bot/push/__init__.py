"""Ozon's push notifications: the receiver answers Ozon within its time limit after writing
each notification down, and the inbox acts on them through the scan's own code."""
