"""Personal data kept secret (个人信息保护): envelope encryption of personal texts with a data
key per child and per volunteer, and erasure by destroying those keys (crypto-shredding)."""
