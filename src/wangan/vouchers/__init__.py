"""创通票 — the enterprise security cloud service package vouchers (seed 000)."""
