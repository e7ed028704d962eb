"""Request and response models, separate per use: never the domain object itself."""
