"""Built-in annotator backends: openai (any OpenAI-compatible server), transformers, rationale."""
