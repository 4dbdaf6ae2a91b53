"""The aggregates of the domain; one module each, events nested and in the past tense."""
