"""The people's languages: Finnish, Swedish and English texts for every human-readable surface.

Codes on the wire never change; only the texts shown to a person are looked up here, in the
gettext catalogues under `locale/` (managed with Babel, read from the `.po` files at first use).
"""
