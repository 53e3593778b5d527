"""The institution's people: departments (部署), people and their contact points, vendors (委託先)."""
