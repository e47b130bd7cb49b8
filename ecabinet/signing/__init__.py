"""Digital signatures: the internal CA, signers, PAdES signing and a strict verifier."""
