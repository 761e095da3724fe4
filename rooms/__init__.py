"""Topic rooms: the catalog, local fan-out (hub), the bus backends between hubs, and history."""
