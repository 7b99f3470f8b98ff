"""Languages: the gettext catalogs in `locales/` and the texts rendered from them."""
