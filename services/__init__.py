"""Jatkumo: keeps a person's service path unbroken when they leave prison."""
