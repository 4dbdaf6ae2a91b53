"""mobilize: event-sourced emergency mobilization for peace–war combined grid governance."""
