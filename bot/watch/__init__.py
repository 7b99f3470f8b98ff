"""The watch: scanning each store's postings through the Seller API and turning stages into
alert records and outbox rows."""
